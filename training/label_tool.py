"""Label DICE articles by surface strings instead of character offsets.

    python training/label_tool.py show ID [ID ...]
    python training/label_tool.py add FILE [--replace]     # compact annotations -> labels.jsonl
    python training/label_tool.py check FILE               # resolve and report, write nothing

A second annotator writes to a file of their own: ``add FILE --labels labels-b.jsonl --annotator b``
``next`` skips the ids in every ``labels*.jsonl`` beside ``--labels``, so that two annotators working
from both ends of the sample never meet; ``--own`` counts only the ``--labels`` file (for an overlap set).

Offsets typed by hand go wrong; surfaces do not. A compact annotation is one block per article
(GUIDELINES.md says what to label)::

    @ 10880
    dateline: CARPI
    byline: Serena Arbizzi
    PER: Mario Rossi; Rossi; Giulia
    LOC: CARPI; via Roma; Modena#2
    ORG: Tribunale di Modena; Modena#3
    O: Comune#2

Each surface is labelled at every occurrence (case-sensitive, whole words), longest surface first;
an occurrence inside a longer span is left to that span. ``Surface#N`` labels only its N-th
occurrence (counted over the whole text) and is applied before the plain surfaces, so one surface
can have two readings; ``O: Surface#N`` leaves that occurrence unlabelled. Every surface must label
at least one occurrence, explicit occurrences must exist, and spans never overlap.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DICE = HERE.parent.parent / "shared" / "data" / "dice" / "docs.jsonl"
RESERVED = DICE.with_name("reserved_ids.txt")
LABELS = HERE / "dice_labels" / "labels.jsonl"
SAMPLE = HERE / "dice_labels" / "sample.txt"
KINDS = ("PER", "LOC", "ORG", "O")
ANNOTATOR = "a"


class AnnotationError(ValueError):
    """An annotation that does not fit its article's text."""


@dataclass
class Block:
    """One article's compact annotation, as typed."""

    id: str
    dateline: str
    byline: str
    surfaces: list[tuple[str, str, int | None]]  # (label, surface, occurrence or None)


def load_texts(ids: set[str] | None = None) -> dict[str, str]:
    texts = {}
    with DICE.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if ids is None or record["id"] in ids:
                texts[record["id"]] = record["text"]
    return texts


def parse_blocks(source: str) -> list[Block]:
    blocks: list[Block] = []
    for number, raw in enumerate(source.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            blocks.append(Block(line[1:].strip(), "", "", []))
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not blocks or not sep:
            raise AnnotationError(f"line {number}: expected '@ ID' or 'KEY: value', got {raw!r}")
        block = blocks[-1]
        if key in ("dateline", "byline"):
            setattr(block, key, value.strip())
        elif key in KINDS:
            for item in value.split(";"):
                item = item.strip()
                if not item:
                    continue
                match = re.fullmatch(r"(.+?)#(\d+)", item)
                if match:
                    block.surfaces.append((key, match.group(1), int(match.group(2))))
                else:
                    block.surfaces.append((key, item, None))
        else:
            raise AnnotationError(f"line {number}: unknown key {key!r}")
    return blocks


def occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    """Whole-word, case-sensitive occurrences of ``surface`` in ``text``."""
    pattern = r"(?<!\w)" + re.escape(surface) + r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def resolve(block: Block, text: str) -> list[dict]:
    """Turn a block's surfaces into non-overlapping offset spans, or raise AnnotationError."""
    taken: list[tuple[int, int, str]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in taken)

    explicit = [s for s in block.surfaces if s[2] is not None]
    plain = sorted((s for s in block.surfaces if s[2] is None), key=lambda s: -len(s[1]))
    for label, surface, nth in sorted(explicit, key=lambda s: -len(s[1])):
        found = occurrences(text, surface)
        assert nth is not None
        if not 1 <= nth <= len(found):
            raise AnnotationError(f"{block.id}: {surface!r}#{nth}: only {len(found)} occurrence(s)")
        start, end = found[nth - 1]
        if not free(start, end):
            raise AnnotationError(f"{block.id}: {surface!r}#{nth} overlaps another span")
        taken.append((start, end, label))
    for label, surface, _ in plain:
        found = occurrences(text, surface)
        if not found:
            raise AnnotationError(f"{block.id}: {surface!r} does not occur in the text")
        placed = [(s, e) for s, e in found if free(s, e)]
        crossing = [(s, e) for s, e in found if not free(s, e)
                    and not any(ts <= s and e <= te for ts, te, _ in taken)]
        if crossing:
            raise AnnotationError(f"{block.id}: {surface!r} crosses the edge of another span")
        if not placed:
            raise AnnotationError(f"{block.id}: every {surface!r} is inside a longer span")
        taken.extend((s, e, label) for s, e in placed)
    for field in ("dateline", "byline"):
        value = getattr(block, field)
        if value and not occurrences(text, value):
            raise AnnotationError(f"{block.id}: {field} {value!r} does not occur in the text")
    return [{"start": s, "end": e, "text": text[s:e], "label": label}
            for s, e, label in sorted(taken) if label != "O"]


def uncovered(text: str, spans: list[dict]) -> list[str]:
    """Capitalised words outside every span and not after a full stop: a reminder, not a rule."""
    words = []
    for match in re.finditer(r"\b[A-ZÀ-Ý][\w'’-]*", text):
        start = match.start()
        if any(s["start"] <= start < s["end"] for s in spans):
            continue
        before = text[:start].rstrip()
        if not before or before[-1] in ".!?:\"“«":
            continue
        words.append(match.group())
    return list(dict.fromkeys(words))


def read_ids(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def build(blocks: list[Block], texts: dict[str, str], annotator: str = ANNOTATOR) -> list[dict]:
    reserved = set(read_ids(RESERVED))
    out = []
    for block in blocks:
        if block.id in reserved:
            raise AnnotationError(f"{block.id} is reserved for evaluation: never label it")
        if block.id not in texts:
            raise AnnotationError(f"{block.id}: no such DICE article")
        out.append({"id": block.id, "annotator": annotator,
                    "entities": resolve(block, texts[block.id]),
                    "dateline": block.dateline, "byline": block.byline})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="print articles")
    show.add_argument("ids", nargs="+")
    for name in ("add", "check"):
        cmd = sub.add_parser(name)
        cmd.add_argument("file", type=Path)
        cmd.add_argument("--labels", type=Path, default=LABELS)
        cmd.add_argument("--annotator", default=ANNOTATOR, help="the annotator's name in each record")
        if name == "add":
            cmd.add_argument("--replace", action="store_true", help="replace ids already labelled")
    nxt = sub.add_parser("next", help="the next sample ids not yet labelled")
    nxt.add_argument("-n", type=int, default=5)
    nxt.add_argument("--labels", type=Path, default=LABELS)
    nxt.add_argument("--own", action="store_true",
                     help="skip only the ids in --labels, not those of the other annotators' files")
    args = parser.parse_args(argv)

    if args.command == "show":
        texts = load_texts(set(args.ids))
        for article_id in args.ids:
            print(f"=== {article_id}\n{texts.get(article_id, '(no such article)')}\n")
        return 0
    if args.command == "next":
        files = [args.labels] if args.own else sorted(
            {args.labels, *args.labels.parent.glob("labels*.jsonl")})
        done = {r["id"] for path in files for r in records(path)}
        left = [i for i in read_ids(SAMPLE) if i not in done]
        if not left:
            print(f"every sample id is labelled in {', '.join(str(p) for p in files)}", file=sys.stderr)
        print(" ".join(left[: args.n]))
        return 0
    blocks = parse_blocks(args.file.read_text(encoding="utf-8"))
    texts = load_texts({b.id for b in blocks})
    try:
        built = build(blocks, texts, args.annotator)
    except AnnotationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for record in built:
        counts = {k: sum(e["label"] == k for e in record["entities"]) for k in KINDS[:3]}
        print(record["id"], counts, "| not in a span:",
              ", ".join(uncovered(texts[record["id"]], record["entities"])) or "-")
    if args.command == "check":
        return 0
    existing = records(args.labels)
    new_ids = {r["id"] for r in built}
    clash = [r["id"] for r in existing if r["id"] in new_ids]
    if clash and not args.replace:
        print(f"error: already labelled: {', '.join(clash)} (use --replace)", file=sys.stderr)
        return 1
    kept = [r for r in existing if r["id"] not in new_ids]
    args.labels.parent.mkdir(parents=True, exist_ok=True)
    with args.labels.open("w", encoding="utf-8") as out:
        for record in kept + built:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(built)} article(s) written, {len(kept) + len(built)} in {args.labels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
