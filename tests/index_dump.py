"""What an index holds, as plain data two builds can be compared on.

``dump`` lists every document's stored fields (long texts as a digest) and
every term of every field with the ids of the documents it is in (a text
field's postings as one digest): two indexes with equal dumps answer every
query and every facet alike, however their segments are split.

``build`` indexes the DICE sample the way ``cerca index`` does, forcing the
parallel path for ``jobs`` > 1 (the sample is below ``PARALLEL_MIN``). It
runs on the code it is imported with, so the same function built the
reference of the commit before the indexing package and builds today's:

    .venv/bin/python tests/index_dump.py ba2670b tests/data/dice/reference.json

checks out that commit in a temporary ``git worktree`` and writes the dumps
of the three builds there. Not a test: ``test_index_equal.py`` reads the file.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "dice" / "sample.jsonl"
# (name, entities, jobs)
BUILDS = [("plain", False, 1), ("entities", True, 1), ("entities-jobs2", True, 2)]
# Stored values this long are compared by digest.
LONG = 200


def _digest(value: object) -> str:
    return hashlib.sha1(json.dumps(value, ensure_ascii=False, sort_keys=True,
                                   default=str).encode("utf-8")).hexdigest()


def _relative(value: object) -> object:
    """A path under the checkout as the same path in any other checkout."""
    return value.replace(f"{ROOT}/", "") if isinstance(value, str) else value


def dump(index_dir: str | Path) -> dict:
    """Stored fields by id, and every field's terms with their documents' ids."""
    from whoosh import index as whoosh_index
    from whoosh.fields import BOOLEAN, NUMERIC, TEXT

    ix = whoosh_index.open_dir(str(index_dir), indexname="MAIN")
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids = {n: fields["id"] for n, fields in reader.iter_docs()}
        docs = {}
        for n, fields in reader.iter_docs():
            docs[ids[n]] = {k: (_digest(v) if len(json.dumps(v, default=str)) > LONG
                                else json.loads(json.dumps(_relative(v), default=str)))
                            for k, v in sorted(fields.items())}
        terms: dict[str, object] = {}
        for name in sorted(ix.schema.names()):
            field = ix.schema[name]
            if name not in reader.indexed_field_names():
                continue
            postings = {}
            for btext in reader.lexicon(name):
                key = btext.hex() if isinstance(field, NUMERIC | BOOLEAN) \
                    else str(_relative(btext.decode("utf-8")))
                postings[key] = sorted(ids[d] for d in reader.postings(name, btext).all_ids()
                                       if d in ids)
            postings = {k: v for k, v in postings.items() if v}
            terms[name] = _digest(postings) if isinstance(field, TEXT) else postings
    ix.close()
    return {"documents": dict(sorted(docs.items())), "terms": terms}


def _run_module():
    """The module holding ``PARALLEL_MIN`` in this checkout."""
    for name in ("search.indexing.run", "search.indexing"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "PARALLEL_MIN"):
            return module
    raise ImportError("PARALLEL_MIN not found")


def build(index_dir: Path, entities: bool, jobs: int) -> None:
    """Index the sample into ``index_dir`` as ``cerca index`` would."""
    from search import index_paths

    module = _run_module()
    kept = module.PARALLEL_MIN
    module.PARALLEL_MIN = 0 if jobs > 1 else kept
    try:
        index_paths(index_dir, [SAMPLE], entities=entities, jobs=jobs)
    finally:
        module.PARALLEL_MIN = kept


def _build_all(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = {}
        for name, entities, jobs in BUILDS:
            build(Path(tmp) / name, entities, jobs)
            result[name] = dump(Path(tmp) / name)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                   "utf-8")


def main() -> None:
    commit, out = sys.argv[1], Path(sys.argv[2]).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
                       check=True)
        try:
            code = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
                    "sys.path.insert(0, sys.argv[2]); import search, index_dump; "
                    "assert search.__file__.startswith(sys.argv[1]), search.__file__; "
                    "index_dump._build_all(Path(sys.argv[3]))")
            subprocess.run([sys.executable, "-c", code, str(tree), str(ROOT / "tests"), str(out)],
                           check=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           check=True)


if __name__ == "__main__":
    main()
