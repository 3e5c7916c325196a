"""``cerca extract``: entities and dates of articles, without indexing them."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from search.entities.canonical import Canonicalizer, Corrections
from search.entities.ner import extract, ner_text, recognise
from search.ingest.dates import find_dates, infer_date
from search.ingest.readers import InputError, parse_date, read_path
from search.models import Article, Skipped, iso


def extract_files(paths: list[Path], out: TextIO, as_json: bool) -> None:
    """One object per article: canonical entities, the date and the dates mentioned."""
    articles: list[Article] = []
    for path in paths:
        for item in read_path(path.resolve(), path.resolve().parent):
            if isinstance(item, Skipped):
                print(f"cerca: saltato {item.path}: {item.reason}", file=sys.stderr)
            else:
                articles.append(item)
    canon = Canonicalizer(Corrections(), {})
    for article, mentions in zip(articles, recognise([ner_text(a) for a in articles]),
                                 strict=True):
        values = canon.article([(m.label, m.text) for m in mentions])
        record = {
            "id": article.id,
            "title": article.title,
            "date": iso(article.date),
            "date_inferred": article.date_inferred,
            "date_source": article.date_source,
            "persons": values["persons"],
            "places": values["places"],
            "orgs": values["orgs"],
            "dates": [{"text": d.text, "value": d.value, "granularity": d.granularity}
                      for d in article.dates],
        }
        if as_json:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            out.write(f"{article.id}: {article.title}\n")
            for key in ("date", "persons", "places", "orgs"):
                out.write(f"  {key}: {record[key]}\n")


def _read_lines(sources: Iterable[str]):
    for source in sources:
        handle = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115
        with handle:
            yield from handle


def extract_lines(sources: Iterable[str], out: TextIO) -> None:
    """JSON lines {id, text, date?} in; {id, date, date_source, entities,
    dates} with offsets out. Relative dates ("ieri") resolve against the
    line's date, else one the text gives (dateline, lead), else stay unresolved."""
    batch: list[dict] = []

    def flush() -> None:
        if not batch:
            return
        for record, entities in zip(batch, extract([r["text"] for r in batch]), strict=True):
            published, source = record["date"], "given"
            if published is None:
                published = infer_date(record["text"])
                source = "inferred" if published else "none"
            dates = [{"start": d.start, "end": d.end, "text": d.text, "value": d.value,
                      "granularity": d.granularity}
                     for d in find_dates(record["text"], published)]
            out.write(json.dumps({"id": record["id"], "date": iso(published),
                                  "date_source": source, "entities": entities, "dates": dates},
                                 ensure_ascii=False) + "\n")
        batch.clear()

    for number, line in enumerate(_read_lines(sources), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise ValueError
        except ValueError:
            flush()  # keep output lines in input order
            out.write(json.dumps({"line": number, "error": {
                "code": "invalid_line", "message": "riga non valida: serve {\"id\", \"text\"}",
                "message_en": "invalid line: {\"id\", \"text\"} expected"}}) + "\n")
            continue
        try:
            published = parse_date(record.get("date"))
        except InputError as exc:
            flush()
            out.write(json.dumps({"line": number, "error": {
                "code": "invalid_date", "message": f"riga non valida: {exc}",
                "message_en": "invalid line: the date is not YYYY-MM-DD"}},
                ensure_ascii=False) + "\n")
            continue
        batch.append({"id": record.get("id"), "text": record["text"], "date": published})
        if len(batch) >= 64:
            flush()
    flush()
