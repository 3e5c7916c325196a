"""Reading articles: formats, encodings, titles and page furniture."""

from __future__ import annotations

import json

import pytest

from search.ingest.furniture import strip_furniture
from search.ingest.readers import decode, split_title, strip_markdown, title_from_text
from search.ingest.sources import read_path, read_paths
from search.models import Article, Skipped
from tests.conftest import ARTICLES, SEEDS

ITALIAN = "La città è più bella perché l’acqua è tornata: così dicono già."


def read(root):
    items = list(read_paths([root]))
    articles = [i for i in items if isinstance(i, Article)]
    return articles, [i for i in items if isinstance(i, Skipped)]


def test_seed_ids_are_relative_paths_without_suffix():
    articles, skipped = read(SEEDS)
    assert not skipped
    assert [a.id for a in articles][0] == "000_a57d6496b105cbef"
    assert len(articles) == 5


def test_nested_ids_and_all_three_formats():
    articles, skipped = read(ARTICLES)
    assert not skipped
    ids = {a.id for a in articles}
    assert {"cronaca/alluvione", "roma-metro", "esteri-001", "esteri-006"} <= ids


@pytest.mark.parametrize(
    "data",
    [
        ITALIAN.encode("utf-8"),
        b"\xef\xbb\xbf" + ITALIAN.encode("utf-8"),
        ITALIAN.encode("cp1252"),
        ITALIAN.replace("’", "'").encode("latin-1"),
        ITALIAN.encode("utf-16"),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "latin1", "utf16"],
)
def test_decoding(data):
    assert decode(data).replace("'", "’") == ITALIAN


def test_decoding_normalises_to_nfc():
    assert decode("citta\u0300".encode()) == "città"


def test_markdown_emphasis_is_stripped():
    assert strip_markdown("crescente **tensione** e *Russia*") == "crescente tensione e Russia"
    assert strip_markdown("## Titolo\nsnake_case_name 2*3*4") == "Titolo\nsnake_case_name 2*3*4"


def test_front_matter(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Titolo vero\ndate: 2025-09-03\nsource: ANSA\nurl: https://x.it/a\n"
        "author: Mario Rossi\n---\nTesto **dell'articolo**.\n",
        encoding="utf-8",
    )
    [article], _ = read(tmp_path)
    assert article.title == "Titolo vero"
    assert article.date.isoformat() == "2025-09-03"
    meta = (article.source, article.url, article.author)
    assert meta == ("ANSA", "https://x.it/a", "Mario Rossi")
    assert article.text == "Testo dell'articolo."


def test_title_rules():
    assert split_title("Kim arriva in Russia\n\nIl leader è arrivato.") == (
        "Kim arriva in Russia", "Il leader è arrivato."
    )
    # A first line ending in a full stop, or with no blank line after it, is text.
    assert split_title("Kim arriva.\n\nAltro.")[0] == ""
    assert split_title("Kim arriva in Russia\nIl leader è arrivato.")[0] == ""
    long = "Il presidente della Russia, Vladimir Putin, ha incontrato il leader della Corea " \
           "del Nord, Kim Jong-un, per un incontro bilaterale a Pechino. Poi altro."
    title = title_from_text(long)
    assert title.endswith("…") and len(title) <= 121
    assert long.startswith(title[:-1])
    assert title_from_text("Breve frase. Seconda.") == "Breve frase"


def test_seed_titles():
    articles, _ = read(SEEDS)
    titles = {a.id[:3]: a.title for a in articles}
    assert titles["001"] == "Kim Jong-un si reca in Russia per un incontro con Putin"
    assert titles["000"].startswith("Il presidente della Russia, Vladimir Putin")
    # The headline is not repeated in the body.
    body = {a.id[:3]: a.text for a in articles}
    assert not body["001"].startswith("Kim Jong-un si reca")


def test_seed_furniture_is_removed():
    articles, _ = read(SEEDS)
    text = "\n".join(a.text for a in articles)
    for furniture in ("Lascia un commento", "indirizzo email", "Segui Avvisatore",
                      "Zombieaholic", "Copyright", "Riproduzione riservata", "CoverNews"):
        assert furniture not in text
    # The real last sentences survive.
    assert "nel suo complesso." in text
    assert "strategie di sicurezza di molte nazioni." in text


@pytest.mark.parametrize(
    ("tail", "rule"),
    [
        ("Lascia un commento", "comment-form"),
        ("Il tuo indirizzo email non sarà pubblicato. I campi obbligatori sono contrassegnati *",
         "comment-form"),
        ("Commenti", "comment-form"),
        ("Segui Avvisatore su Instagram: @avvisatore.it", "social"),
        ("Seguici su Facebook", "social"),
        ("Riproduzione riservata © Copyright ANSA", "copyright"),
        ("Sito.it - Copyright 2024 © Tutti i diritti riservati. | Email: a@b.it", "copyright"),
        ("“Social media scholar. Reader. Zombieaholic. Web fanatic.”", "bio"),
        ("Iscriviti alla newsletter per ricevere ogni mattina le notizie del giorno",
         "newsletter"),
    ],
)
def test_each_furniture_rule(tail, rule):
    text, removed = strip_furniture(f"Primo paragrafo dell'articolo.\n\n{tail}")
    assert text == "Primo paragrafo dell'articolo."
    assert removed == [rule]


@pytest.mark.parametrize(
    "sentence",
    [
        "Il giornalista ha spiegato che il copyright delle foto appartiene all'agenzia.",
        "«Seguiremo la vicenda», ha detto. Poi ha aggiunto: «Non è finita».",
        "“Ha detto che tornerà presto e che la città lo aspetta con ansia da mesi.”",
        "I commenti dei lettori sono stati numerosi.",
    ],
)
def test_real_sentences_are_never_cut(sentence):
    text = f"Inizio.\n\n{sentence}"
    assert strip_furniture(text)[0] == text


def test_bad_inputs_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "vuoto.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "binario.txt").write_bytes(b"\x00\x01\x02abc")
    (tmp_path / "yaml.md").write_text("---\ntitle: [rotto\n---\nTesto.\n", encoding="utf-8")
    (tmp_path / "data.md").write_text("---\ndate: ieri\n---\nTesto.\n", encoding="utf-8")
    lines = [
        json.dumps({"id": "ok", "text": "Un articolo valido."}),
        "{non json",
        json.dumps({"id": "senza-testo"}),
        json.dumps(["lista"]),
        "",
        json.dumps({"text": "senza id"}),
    ]
    (tmp_path / "righe.jsonl").write_text("\n".join(lines), encoding="utf-8")
    articles, skipped = read(tmp_path)
    assert [a.id for a in articles] == ["ok"]
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in skipped}
    assert reasons["vuoto.txt"] == "file vuoto"
    assert "byte nulli" in reasons["binario.txt"]
    assert "YAML" in reasons["yaml.md"]
    assert "data non valida" in reasons["data.md"]
    assert "JSON non valido" in reasons["righe.jsonl:2"]
    assert "text" in reasons["righe.jsonl:3"]
    assert "oggetto" in reasons["righe.jsonl:4"]
    assert "id" in reasons["righe.jsonl:6"]


def test_missing_path_is_reported(tmp_path):
    _, skipped = read(tmp_path / "nope")
    assert skipped[0].reason == "percorso inesistente"


def test_a_jsonl_file_past_the_size_limit_streams_in_pieces(tmp_path, monkeypatch):
    """Archive exports are big: a JSONL file is read a run of lines at a time,
    with line numbers that still point at the right line."""
    from search.ingest import readers as ingest

    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 2_000)
    monkeypatch.setattr(ingest, "JSONL_PIECE_BYTES", 500)
    lines = [json.dumps({"id": f"a{i}", "text": f"Articolo {i} sul porto di Genova, città."},
                        ensure_ascii=False) for i in range(100)]
    lines.insert(50, "{rotta")
    path = tmp_path / "archivio.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_path(path, tmp_path))
    articles = [a for a in items if isinstance(a, Article)]
    assert [a.id for a in articles] == [f"a{i}" for i in range(100)]
    assert "città" in articles[-1].text
    assert [s.path for s in items if isinstance(s, Skipped)] == [f"{path}:51"]


def test_a_title_from_the_first_sentence_starts_after_the_dateline():
    """"CARPI. Ieri sera…" was titled "CARPI"."""
    from search.ingest.readers import make_article

    article = make_article("a", "CARPI. Ieri sera i carabinieri hanno denunciato nove persone. "
                                "Altro testo.", {}, origin="x", markdown=False)
    assert article.title == "Ieri sera i carabinieri hanno denunciato nove persone"
    assert article.dateline == "Carpi" and article.text.startswith("CARPI.")
