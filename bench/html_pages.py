"""HTML ingest: pages/s beside the text rate, and furniture that leaks into the index.

Each DICE article becomes a saved news page in one of three generated site
templates (a WordPress theme, a portal of nested divs, a semantic page with
JSON-LD), with the furniture real sites add: menus, a cookie banner, share
buttons, related links (titles of other DICE articles), a most-read box,
reader comments and a footer. No network.

In the same run the same articles are read and indexed (no entities) as
JSON Lines (the text baseline) and as .html files: in one process, with
``--jobs`` writer processes, and with those writers plus a pool of
``--jobs`` processes for HTML extraction (what ``cerca index`` does on
1,000 articles or more). Then, on what is indexed:
the share of furniture words that leak in, the share of article words kept,
and how often the title and the date come out right.

    .venv/bin/python bench/html_pages.py [--pages 2000] [--jobs 2]

(Not bench/html.py: run as a script, that name would hide the standard
library's html module from everything it imports.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import multiprocessing
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import dice  # noqa: E402
from search import create_index, update_index  # noqa: E402
from search.ingest.readers import title_from_text  # noqa: E402
from search.ingest.sources import read_paths  # noqa: E402
from search.models import Article  # noqa: E402

RESULTS = ROOT / "bench" / "results"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«“\"])")
_WORD = re.compile(r"\w+")
MENU = ("Home Cronaca Politica Economia Esteri Sport Cultura Spettacoli Tecnologia Motori "
        "Salute Viaggi Oroscopo Meteo Video Podcast Necrologie Annunci").split()
COOKIE = ("Questo sito utilizza cookie tecnici e di profilazione, anche di terze parti, per "
          "migliorare la tua esperienza di navigazione e mostrarti pubblicità in linea con le "
          "tue preferenze. Chiudendo questo banner, scorrendo questa pagina o cliccando "
          "qualunque suo elemento acconsenti all'uso dei cookie. Informativa estesa")
COMMENTS = ("Vergogna, non se ne può più", "Ma le forze dell'ordine dove erano?",
            "Complimenti per l'articolo, finalmente qualcuno ne parla",
            "Solita storia, nessuno paga mai", "Condivido pienamente quanto scritto",
            "Bisognerebbe chiedere al sindaco cosa ne pensa", "Povera Italia",
            "Articolo scritto malissimo, pieno di refusi")
USERS = ("marco_b", "Giovanna62", "lettore_attento", "pippo1975", "AnnaRossi", "ilcritico")
FOOTER = ("© {year} Editoriale {site} S.p.A. - P.IVA 0{vat} - Registrazione Tribunale n. 123 - "
          "Tutti i diritti riservati - Privacy policy - Cookie policy - Pubblicità - Contatti - "
          "Lavora con noi")
SITES = ("La Gazzetta del Territorio", "Il Corriere Provinciale", "Notizie di Valle")


def paragraphs(text: str, rng: random.Random) -> list[str]:
    sentences = _SENTENCE.split(text)
    out, i = [], 0
    while i < len(sentences):
        step = rng.randint(1, 3)
        out.append(" ".join(sentences[i:i + step]))
        i += step
    return out


def furniture(rng: random.Random, related: list[dict], site: str) -> dict[str, str]:
    """Each block of furniture as HTML; its words are what must not leak.

    Related links carry their article's title and, as many sites do, its
    first words as a teaser: prose outside the article, the hard case."""
    e = html.escape
    menu = "".join(f'<li><a href="/{m.lower()}/">{m}</a></li>' for m in rng.sample(MENU, 12))
    links = "".join(f'<li><a href="/art/{k}">{e(title_from_text(d["text"]))}</a></li>'
                    for k, d in enumerate(related))
    teasers = "".join(
        f'<div class="teaser"><h4><a href="/art/{k}">{e(title_from_text(d["text"]))}</a></h4>'
        f'<p>{e(" ".join(d["text"].split()[:30]))}…</p></div>' for k, d in enumerate(related))
    comments = "".join(
        f'<li class="comment"><span class="author">{rng.choice(USERS)}</span>'
        f"<p>{e(c)}</p></li>" for c in rng.sample(COMMENTS, rng.randint(0, 5)))
    return {
        "menu": f"<ul>{menu}</ul>",
        "cookie": f"<p>{COOKIE}</p><button>Accetta</button><button>Personalizza</button>",
        "share": "<span>Condividi su</span> <a href='#'>Facebook</a> <a href='#'>WhatsApp</a>"
                 " <a href='#'>Telegram</a> <a href='#'>Email</a>",
        "related": f"<h3>Leggi anche</h3>{teasers}",
        "popular": f"<h3>I più letti</h3><ol>{links}</ol>",
        "comments": f"<h3>Commenti</h3><ol>{comments}</ol>" if comments else "",
        "newsletter": "<p>Iscriviti alla newsletter per ricevere ogni mattina le notizie "
                      "del giorno</p><input type='email'><button>Iscriviti</button>",
        "footer": "<p>" + FOOTER.format(year=rng.randint(2019, 2023), site=site,
                                        vat=rng.randint(10**9, 10**10 - 1)) + "</p>",
    }


def render(doc: dict, related: list[dict], rng: random.Random) -> tuple[str, dict]:
    """One page and what a reader should get from it."""
    title = title_from_text(doc["text"])
    date = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(730))
    site = rng.choice(SITES)
    f = furniture(rng, related, site)
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs(doc["text"], rng))
    t, kind = html.escape(title), rng.randrange(3)
    head = f'<meta charset="utf-8"><title>{t} - {site}</title>'
    if kind == 0:  # a WordPress theme
        head += f'<meta property="article:published_time" content="{date}T08:00:00+01:00">'
        page = (f'<header id="masthead"><nav class="main-navigation">{f["menu"]}</nav></header>'
                f'<div class="cookie-notice">{f["cookie"]}</div><div id="primary">'
                f'<article class="post"><h1 class="entry-title">{t}</h1>'
                f'<div class="entry-content">{body}</div><div class="sharedaddy">{f["share"]}'
                f'</div></article><div id="comments">{f["comments"]}</div></div>'
                f'<aside id="secondary" class="widget-area">{f["related"]}{f["newsletter"]}'
                f'</aside><footer id="colophon">{f["footer"]}</footer>')
    elif kind == 1:  # a portal of nested divs; the date only in a byline
        page = (f'<div id="wrapper"><div class="top-bar">{f["menu"]}</div>'
                f'<div id="cookie">{f["cookie"]}</div><div class="col-sx"><div class="titolo">'
                f'<h1>{t}</h1></div><div class="data">Pubblicato il {date:%d/%m/%Y}</div>'
                f'<div class="testo">{body}</div><div class="social">{f["share"]}</div>'
                f'<div class="box-correlati">{f["related"]}</div><div class="commenti">'
                f'{f["comments"]}</div></div><div class="col-dx">{f["popular"]}'
                f'{f["newsletter"]}</div><div class="footer">{f["footer"]}</div></div>')
    else:  # semantic HTML with Open Graph and JSON-LD
        ld = json.dumps({"@type": "NewsArticle", "headline": title, "datePublished": str(date)})
        head += (f'<meta property="og:title" content="{t}"><meta property="og:site_name" '
                 f'content="{site}"><script type="application/ld+json">{ld}</script>')
        page = (f'<div role="dialog" class="cmp-banner">{f["cookie"]}</div><header><nav>'
                f'{f["menu"]}</nav></header><main><article><h1>{t}</h1>{body}'
                f'<footer class="share">{f["share"]}</footer></article>'
                f'<section class="related">{f["related"]}</section><section class="comments">'
                f'{f["comments"]}</section></main><aside>{f["popular"]}{f["newsletter"]}</aside>'
                f'<footer>{f["footer"]}</footer>')
    furniture_words = Counter(w.lower() for block in f.values()
                              for w in _WORD.findall(html.unescape(re.sub("<[^>]+>", " ", block))))
    page = f'<!DOCTYPE html><html lang="it"><head>{head}</head><body>{page}</body></html>'
    return page, {"title": title, "date": date, "furniture": furniture_words}


def timed(index_dir: Path, source: Path, pool=None, jobs: int = 1) -> tuple[float, int]:
    """Seconds to index ``source`` into a new index without entities, and articles added."""
    started = time.perf_counter()
    report = update_index(create_index(index_dir), [source], pool=pool, jobs=jobs, entities=False)
    return time.perf_counter() - started, report.added


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    docs = dice()[:args.pages]
    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "pages").mkdir()
        expected = {}
        with (work / "text.jsonl").open("w", encoding="utf-8") as out:
            for doc in docs:
                related = [d for d in rng.sample(docs, 4) if d is not doc]
                page, expected[doc["id"]] = render(doc, related, rng)
                (work / "pages" / f"{doc['id']}.html").write_text(page, encoding="utf-8")
                out.write(json.dumps({"id": doc["id"], "text": doc["text"],
                                      "title": expected[doc["id"]]["title"],
                                      "date": str(expected[doc["id"]]["date"])}) + "\n")
        text_s, text_n = timed(work / "ix-text", work / "text.jsonl")
        html_s, html_n = timed(work / "ix-html", work / "pages")
        writers_s, _ = timed(work / "ix-writers", work / "pages", jobs=args.jobs)
        with multiprocessing.Pool(args.jobs) as pool:
            pool_s, _ = timed(work / "ix-pool", work / "pages", pool=pool, jobs=args.jobs)
        originals = {d["id"]: Counter(w.lower() for w in _WORD.findall(d["text"])) for d in docs}
        leaked = furniture_total = kept = article_total = titles = dates = 0
        for item in read_paths([work / "pages"]):
            if not isinstance(item, Article):
                continue
            want = expected[item.id]
            got = Counter(w.lower() for w in _WORD.findall(f"{item.title}\n{item.text}"))
            original = originals[item.id]
            extra = got - original - Counter(w.lower() for w in _WORD.findall(want["title"]))
            leaked += sum((extra & want["furniture"]).values())
            furniture_total += sum(want["furniture"].values())
            kept += sum((got & original).values())
            article_total += sum(original.values())
            titles += item.title == want["title"]
            dates += item.date == want["date"]
    results = {
        "pages": len(docs), "indexed_text": text_n, "indexed_html": html_n,
        "text_docs_per_s": text_n / text_s, "html_pages_per_s": html_n / html_s,
        f"html_pages_per_s_writers_{args.jobs}": html_n / writers_s,
        f"html_pages_per_s_writers_and_pool_{args.jobs}": html_n / pool_s,
        "furniture_words_leaked": leaked / max(furniture_total, 1),
        "article_words_kept": kept / max(article_total, 1),
        "title_right": titles / max(html_n, 1), "date_right": dates / max(html_n, 1),
    }
    print(f"{len(docs)} DICE articles, indexed without entities, in one run:")
    rows = [("text (JSONL), one process", text_n, text_s),
            ("HTML, one process", html_n, html_s),
            (f"HTML, {args.jobs} writers, extraction here", html_n, writers_s),
            (f"HTML, {args.jobs} writers, extraction in a pool of {args.jobs}", html_n, pool_s)]
    for label, n, seconds in rows:
        print(f"  {label:<46} {n / seconds:7.1f} /s  ({seconds:.1f} s)")
    print(f"  pages indexed: {html_n} of {len(docs)}")
    print(f"  furniture words leaked into the index: {results['furniture_words_leaked']:.1%}")
    print(f"  article words kept:                    {results['article_words_kept']:.1%}")
    print(f"  title right: {results['title_right']:.1%}, date right: {results['date_right']:.1%}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "html.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
