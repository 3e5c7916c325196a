"""Cerca's date grammar against dateparser 1.5 on Italian news forms.

Each form sits in a sentence, published on Wednesday 10 September 2025; a
system is right when one date it finds has the expected value (for
dateparser, which gives one datetime per match: when that datetime falls
in the expected day, week, month, part, season, year, decade or century),
wrong when it finds dates but none right, and missed when it finds none.
On traps, any date is false. Then the time to read 1,000 DICE articles,
and, as forms nobody tuned for, the share of DICE's annotated time
expressions that name a date (a digit, a month, a weekday, ieri/oggi/
domani, settimana/mese/anno...) which each system finds (spans overlap).

Usage: .venv/bin/python bench/dates.py [--articles 1000] [--dateparser-articles 200]
       .venv/bin/python bench/dates.py --publication   # DICE's article dates, as read
(--publication also scores the dates inferred from the text against
bench/dates_labels.jsonl: every date inferred from DICE before issue 21,
labelled by hand as the article's own news or not, null when unclear.)
(dateparser is not a dependency: ``pip install dateparser`` in the venv.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search.ingest.dates import find_dates  # noqa: E402

DICE = ROOT.parent / "shared" / "data" / "dice" / "docs.jsonl"
LABELS = Path(__file__).resolve().parent / "dates_labels.jsonl"
PUBLISHED = dt.date(2025, 9, 10)
SENTENCE = "Secondo il comunicato diffuso in mattinata, {} la giunta si è riunita."

FORMS: list[tuple[str, str]] = [
    ("il 4 ottobre 2024", "2024-10-04"), ("il 21 marzo 2023", "2023-03-21"),
    ("sabato 6 settembre 2025", "2025-09-06"), ("il 1º luglio 2025", "2025-07-01"),
    ("il 12 febbraio del 2020", "2020-02-12"), ("l'8 dicembre '19", "2019-12-08"),
    ("il 14 di luglio", "2025-07-14"), ("lo scorso 28 di agosto", "2025-08-28"),
    ("il 25 aprile scorso", "2025-04-25"), ("il prossimo 20 settembre", "2025-09-20"),
    ("il prossimo 5 marzo", "2026-03-05"), ("il 30 agosto", "2025-08-30"),
    ("il 7 nov. 2024", "2024-11-07"), ("giovedì 4 settembre", "2025-09-04"),
    ("il 15/06/2024", "2024-06-15"), ("il 15.06.2024", "2024-06-15"),
    ("il 15-06-2024", "2024-06-15"), ("il 2024-06-15", "2024-06-15"),
    ("il 15/06/24", "2024-06-15"), ("il 2024/06/15", "2024-06-15"),
    ("dal 12 al 14 settembre", "2025-09-12/2025-09-14"),
    ("dal 28 febbraio al 3 marzo 2024", "2024-02-28/2024-03-03"),
    ("tra il 20 e il 22 ottobre", "2025-10-20/2025-10-22"),
    ("il 20-22 ottobre", "2025-10-20/2025-10-22"),
    ("da gennaio a marzo 2025", "2025-01/2025-03"), ("dal 2015 al 2018", "2015/2018"),
    ("nell'agosto 2023", "2023-08"), ("a luglio del 2024", "2024-07"),
    ("lo scorso dicembre", "2024-12"), ("lo scorso agosto", "2025-08"),
    ("il prossimo novembre", "2025-11"), ("a ottobre", "2025-10"), ("in luglio", "2025-07"),
    ("nel mese di giugno", "2025-06"), ("questo mese", "2025-09"),
    ("il prossimo mese", "2025-10"), ("lo scorso mese", "2025-08"),
    ("ieri mattina", "2025-09-09"), ("ieri pomeriggio", "2025-09-09"),
    ("l'altroieri", "2025-09-08"), ("avantieri", "2025-09-08"), ("oggi pomeriggio", "2025-09-10"),
    ("stamattina", "2025-09-10"), ("domani sera", "2025-09-11"), ("dopodomani", "2025-09-12"),
    ("due giorni fa", "2025-09-08"), ("dieci giorni fa", "2025-08-31"),
    ("tra cinque giorni", "2025-09-15"), ("fra 10 giorni", "2025-09-20"),
    ("martedì", "2025-09-09"), ("giovedì scorso", "2025-09-04"),
    ("lo scorso martedì", "2025-09-09"), ("venerdì prossimo", "2025-09-12"),
    ("il prossimo lunedì", "2025-09-15"), ("domenica sera", "2025-09-07"),
    ("la settimana scorsa", "2025-W36"), ("la scorsa settimana", "2025-W36"),
    ("la prossima settimana", "2025-W38"), ("questa settimana", "2025-W37"),
    ("tre settimane fa", "2025-W34"), ("tra due settimane", "2025-W39"),
    ("l'anno passato", "2024"), ("il prossimo anno", "2026"), ("quest'anno", "2025"),
    ("due anni fa", "2023"), ("vent'anni fa", "2005"), ("tra tre anni", "2028"),
    ("tre mesi fa", "2025-06"), ("nel 2019", "2019"), ("dal 2010", "2010"),
    ("nel '98", "1998"), ("a fine luglio", "2025-07-21/2025-07-31"),
    ("all'inizio di settembre", "2025-09-01/2025-09-10"),
    ("a metà agosto", "2025-08-11/2025-08-20"), ("ai primi di ottobre", "2025-10-01/2025-10-10"),
    ("a fine 2024", "2024-10/2024-12"), ("entro fine anno", "2025-10/2025-12"),
    ("l'estate prossima", "2026-SU"), ("lo scorso inverno", "2024-WI"),
    ("nell'autunno del 2023", "2023-FA"), ("negli anni Sessanta", "196"),
    ("negli anni '70", "197"), ("degli anni Duemila", "200"), ("nel XIX secolo", "18"),
    ("nel Settecento", "17"), ("nel ventunesimo secolo", "20"),
]
TRAPS = [
    "in via XX Settembre 3", "in piazza 2 Giugno", "dopo aver vinto 6-4 in 3 set",
    "alle 18.45", "con 2.500 euro", "al numero 059 206 1234", "in corso 22 Marzo 5",
    "per 2019 persone", "con il 30/40 dei voti", "in viale IV Novembre",
]


def period(value: str) -> tuple[dt.date, dt.date]:
    """The first and last day an expected value covers."""
    if "/" in value:
        first, last = value.split("/")
        return period(first)[0], period(last)[1]
    if value[-3:-2] == "-" and value[-2:].isalpha():  # TIMEX3 season
        first = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[value[-2:]]
        start = dt.date(int(value[:4]), first, 1)
        end = dt.date(start.year + (first == 12), (first + 2) % 12 or 12, 28)
        return start, end
    if "-W" in value:
        year, week = value.split("-W")
        start = dt.date.fromisocalendar(int(year), int(week), 1)
        return start, start + dt.timedelta(days=6)
    if len(value) in (2, 3):
        span = 100 if len(value) == 2 else 10
        year = int(value) * span
        return dt.date(max(year, 1), 1, 1), dt.date(year + span - 1, 12, 31)
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return dt.date(parts[0], parts[1], 1), following - dt.timedelta(days=1)
    return dt.date(*parts), dt.date(*parts)


def cerca(text: str) -> tuple[list[str], list[dt.date]]:
    return [d.value for d in find_dates(text, PUBLISHED) if d.value], []


def cerca_spans(text: str) -> list[tuple[int, int]]:
    return [(d.start, d.end) for d in find_dates(text, PUBLISHED)]


DATE_CUE = re.compile(
    r"\d|gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|"
    r"dicembre|luned|marted|mercoled|gioved|venerd|sabato|domenica|ieri|oggi|domani|stamattina|"
    r"stasera|stanotte|settiman|mese|anno|anni|estate|inverno|autunno|primavera|secolo|natale|"
    r"pasqua", re.IGNORECASE)
# Times of day ("le 20.30", "verso le 14", "22") are not dates.
TIME = re.compile(r"^(?:\D*\s)?\d{1,2}(?:[.:,]\d{2})?$|\b(?:le|ore|alle)\s+\d", re.IGNORECASE)


def make_dateparser():
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": dt.datetime.combine(PUBLISHED, dt.time()),
                "PREFER_DATES_FROM": "past"}

    def found(text: str) -> list[tuple[str, dt.datetime]]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return search_dates(text, languages=["it"], settings=settings) or []

    def run(text: str) -> tuple[list[str], list[dt.date]]:
        return [], [d.date() for _, d in found(text)]

    def spans(text: str) -> list[tuple[int, int]]:
        result, cursor = [], 0
        for piece, _ in found(text):
            start = text.find(piece, cursor)
            if start >= 0:
                result.append((start, start + len(piece)))
                cursor = start + len(piece)
        return result

    run.spans = spans  # type: ignore[attr-defined]
    return run


def timex_agreement(spans, records: list[dict]) -> tuple[int, int, int, int]:
    """Annotated date expressions a found span overlaps, of how many; and
    found spans that overlap any annotated time expression, of how many."""
    hit = total = agreed = found_total = 0
    for record in records:
        found = spans(record["text"])
        timex = record["timex"]
        gold = [t for t in timex if DATE_CUE.search(t["text"]) and not TIME.search(t["text"])]
        total += len(gold)
        hit += sum(any(s < t["end"] and t["start"] < e for s, e in found) for t in gold)
        found_total += len(found)
        agreed += sum(any(s < t["end"] and t["start"] < e for t in timex) for s, e in found)
    return hit, total, agreed, found_total


def score(system) -> dict[str, int]:
    tally = {"right": 0, "wrong": 0, "missed": 0, "false_on_traps": 0}
    for form, expected in FORMS:
        values, days = system(SENTENCE.format(form))
        first, last = period(expected)
        if expected in values or any(first <= d <= last for d in days):
            tally["right"] += 1
        elif values or days:
            tally["wrong"] += 1
        else:
            tally["missed"] += 1
    for trap in TRAPS:
        values, days = system(SENTENCE.format(trap))
        tally["false_on_traps"] += bool(values or days)
    return tally


def seconds_per_thousand(system, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        system(text)
    return (time.perf_counter() - start) * 1000 / max(len(texts), 1)


def publication_dates() -> None:
    """Every DICE article through the reader: given dates kept, inferred ones by year."""
    from collections import Counter

    from search.ingest.readers import read_jsonl
    from search.models import Article

    given = {}
    with DICE.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record.get("date"):
                given[str(record["id"])] = str(record["date"])[:10]
    sources: Counter[str] = Counter()
    years: Counter[int] = Counter()
    inferred: dict[str, str] = {}
    kept = 0
    for article in read_jsonl(DICE):
        if not isinstance(article, Article):
            continue
        sources[article.date_source] += 1
        if article.date_source == "inferred" and article.date:
            years[article.date.year] += 1
            inferred[article.id] = article.date.isoformat()
        if article.id in given and article.date_source == "given" and article.date \
                and article.date.isoformat() == given[article.id]:
            kept += 1
    print(f"DICE: {dict(sources)}; given dates kept {kept}/{len(given)}; inferred before "
          f"2000: {sum(n for y, n in years.items() if y < 2000)}; inferred by year "
          f"{dict(sorted(years.items()))}")
    labelled(inferred)


def labelled(inferred: dict[str, str]) -> None:
    """The inferred dates the hand labels confirm or refute."""
    labels = [json.loads(line) for line in LABELS.read_text("utf-8").splitlines()]
    own = {x["id"]: x["date"] for x in labels if x["own"] is True}
    wrong = {x["id"]: x["date"] for x in labels if x["own"] is False}
    confirmed = sum(inferred.get(i) == d for i, d in own.items())
    refuted = sum(inferred.get(i) == d for i, d in wrong.items())
    unlabelled = sum(i not in own and i not in wrong for i in inferred)
    print(f"labelled ({LABELS.name}: {len(own)} own, {len(wrong)} not own, "
          f"{len(labels) - len(own) - len(wrong)} unclear): inferred {len(inferred)}, "
          f"confirmed {confirmed}/{len(own)}, wrong {refuted}/{len(wrong)}, "
          f"not labelled or unclear {unlabelled}; precision on the labelled "
          f"{confirmed / max(1, confirmed + refuted):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--dateparser-articles", type=int, default=200,
                        help="dateparser is slow in text: timed on fewer, scaled to 1,000")
    parser.add_argument("--publication", action="store_true",
                        help="only count DICE's publication dates by source")
    parser.add_argument("--verbose", action="store_true",
                        help="list Cerca's misses, on the forms and on DICE's time expressions")
    args = parser.parse_args()
    if args.publication:
        publication_dates()
        return
    systems = {"cerca": cerca}
    try:
        systems["dateparser"] = make_dateparser()
    except ImportError:
        print("dateparser non installato: solo Cerca (pip install dateparser)")
    records: list[dict] = []
    if DICE.exists():
        with DICE.open(encoding="utf-8") as fh:
            records = [json.loads(line) for _, line in zip(range(args.articles), fh,
                                                           strict=False)]
    texts = [r["text"] for r in records]
    print(f"{len(FORMS)} forms, {len(TRAPS)} traps; published {PUBLISHED}")
    print(f"{'system':<12}{'right':>7}{'wrong':>7}{'missed':>8}{'false/traps':>13}"
          f"{'s/1000 DICE':>13}{'DICE found':>12}{'annotated':>12}")
    for name, system in systems.items():
        tally = score(system)
        n = args.articles if name == "cerca" else args.dateparser_articles
        per_k = seconds_per_thousand(system, texts[:n]) if texts else float("nan")
        spans = cerca_spans if name == "cerca" else system.spans
        hit, total, agreed, found = timex_agreement(spans, records[:args.dateparser_articles])
        print(f"{name:<12}{tally['right']:>7}{tally['wrong']:>7}{tally['missed']:>8}"
              f"{tally['false_on_traps']:>8}/{len(TRAPS):<4}{per_k:>13.2f}{hit:>7}/{total:<4}"
              f"{agreed:>7}/{found:<4}")
    print("DICE found: DICE's annotated date expressions (times of day left out) that a found "
          "span overlaps;\nannotated: found spans that overlap an annotated time expression "
          f"(first {args.dateparser_articles} DICE articles).")
    if args.verbose:
        for form, expected in FORMS:
            values = cerca(SENTENCE.format(form))[0]
            if expected not in values:
                print(f"  {form!r}: expected {expected}, got {values}")
        for trap in TRAPS:
            if cerca(SENTENCE.format(trap))[0]:
                print(f"  trap {trap!r}: {cerca(SENTENCE.format(trap))[0]}")
        for record in records[:args.dateparser_articles]:
            found = cerca_spans(record["text"])
            for t in record["timex"]:
                if DATE_CUE.search(t["text"]) and not TIME.search(t["text"]) and not any(
                        s < t["end"] and t["start"] < e for s, e in found):
                    print(f"  DICE {record['id']}: {t['text']!r}")


if __name__ == "__main__":
    main()
