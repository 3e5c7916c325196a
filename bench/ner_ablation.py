"""Rule ablation: what each rule family of the extraction path earns, on DICE and on other news.

    .venv/bin/python bench/ner_ablation.py [--model DIR ...] [--families FAMILY ...]

Span P/R/F1 per type (exact start, end and label) of the raw model, of the full path that
``cerca extract --jsonl`` takes (``extract.span_entities``), and of that path with each rule
family of ``rules.RULES`` (the index's own included) switched off in turn, on two held-out sets:

* DICE dev: the 120 labelled articles of ``training/dice_labels/dev_ids.txt`` (our gold);
* the Wikinews proxy: the 88 whole KIND WN_train articles ``training/prepare.py --holdout-blocks 8``
  holds out (KIND gold), each article's sentences joined into one text.

NER runs once per model; every configuration names the same mentions. Needs ../shared/data.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
sys.path[:0] = [str(ROOT), str(ROOT / "training")]

from agreement import STREET  # noqa: E402

from search.entities.canonical import Canonicalizer  # noqa: E402
from search.entities.corrections import Corrections  # noqa: E402
from search.entities.mentions import Mention  # noqa: E402
from search.entities.ner import recognise  # noqa: E402
from search.entities.rules import FAMILIES  # noqa: E402
from search.indexing.extract import span_entities  # noqa: E402

LABELS = ("PER", "LOC", "ORG")
Spans = set[tuple[int, int, str]]


def facet_gold(text: str, gold: Spans, byline: str = "") -> Spans:
    """The gold spans a facet shows (training/GUIDELINES.md "From spans to facets"):
    streets and the byline are labelled for training but are no facet values."""
    named = [text[s:e] for s, e, label in gold if label == "PER"]
    return {(s, e, label) for s, e, label in gold
            if not (label == "LOC" and STREET.match(text[s:e]))
            and not (label == "PER" and text[s:e] == byline and named.count(byline) == 1)}


def dice_dev() -> list[tuple[str, Spans, Spans]]:
    import split
    from label_tool import load_texts, read_ids

    labelled = split.merged()
    ids = read_ids(split.DEV_IDS)
    texts = load_texts(set(ids))
    out = []
    for i in ids:
        gold = {(e["start"], e["end"], e["label"]) for e in labelled[i]["entities"]}
        out.append((texts[i], gold, facet_gold(texts[i], gold, labelled[i]["byline"])))
    return out


def proxy() -> list[tuple[str, Spans, Spans]]:
    import prepare
    import spacy

    splits, _ = prepare.docs_from_jsonl(SHARED / "kind" / "wikinews_sentences.jsonl",
                                        spacy.blank("it").vocab)
    _, held = prepare.hold_out(splits["train"], 8, 0.1)
    starts = [*prepare.article_starts(held), len(held)]
    articles = []
    for first, last in zip(starts, starts[1:], strict=False):
        text, gold = "", set()
        for doc in held[first:last]:
            base = len(text)
            gold |= {(base + e.start_char, base + e.end_char, e.label_) for e in doc.ents}
            text += doc.text + " "
        articles.append((text.rstrip(), gold, facet_gold(text, gold)))
    return articles


def score(gold: list[Spans], found: list[Spans]) -> dict[str, tuple[float, float, float]]:
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, f in zip(gold, found, strict=True):
        for s in f & g:
            tp[s[2]] += 1
        for s in f - g:
            fp[s[2]] += 1
        for s in g - f:
            fn[s[2]] += 1
    out = {}
    for label in (*LABELS, "all"):
        t, p, n = ((sum(c.values()) for c in (tp, fp, fn)) if label == "all"
                   else (tp[label], fp[label], fn[label]))
        prec, rec = t / max(t + p, 1), t / max(t + n, 1)
        out[label] = (prec, rec, 2 * prec * rec / max(prec + rec, 1e-9))
    return out


def path_spans(texts: list[str], mentions: list[list[Mention]],
               disabled: frozenset[str]) -> list[Spans]:
    canon = Canonicalizer(Corrections(), {}, disabled=disabled)  # one per run, as extract has
    return [{(e["start"], e["end"], e["label"]) for e in span_entities(t, m, canon)}
            for t, m in zip(texts, mentions, strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", nargs="*", default=[],
                        help="other model dirs (default: the shipped one)")
    parser.add_argument("--families", nargs="*", default=sorted(FAMILIES))
    args = parser.parse_args()
    sets = {"DICE dev": dice_dev(), "proxy": proxy()}
    models: list[tuple[str, object]] = [("shipped", None)]
    if args.model:
        import spacy

        import search.entities.gazetteer  # noqa: F401 - registers the model's gazetteer pipe
        models = [(m, spacy.load(m)) for m in args.model]
    for model_name, model in models:
        print(f"\n## model: {model_name}\n")
        print("| set | configuration | PER P/R/F1 | LOC P/R/F1 | ORG P/R/F1 | all F1 "
              "| ΔF1 vs full | facet gold: all F1 | Δ |")
        print("|---|---|---|---|---|---|---|---|---|")
        for set_name, items in sets.items():
            texts, gold, shown = ([item[k] for item in items] for k in range(3))
            mentions = recognise(texts, model)
            rows = [("raw model", [{(m.start, m.end, m.label) for m in ms} for ms in mentions]),
                    ("full path", path_spans(texts, mentions, frozenset()))]
            rows += [(f"without {f}", path_spans(texts, mentions, frozenset({f})))
                     for f in args.families]
            full, full_shown = (score(g, rows[1][1])["all"][2] for g in (gold, shown))
            for name, found in rows:
                s, f1_shown = score(gold, found), score(shown, found)["all"][2]
                cells = " | ".join("{:.3f}/{:.3f}/{:.3f}".format(*s[label]) for label in LABELS)
                print(f"| {set_name} | {name} | {cells} | {s['all'][2]:.3f} | "
                      f"{s['all'][2] - full:+.3f} | {f1_shown:.3f} | "
                      f"{f1_shown - full_shown:+.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
