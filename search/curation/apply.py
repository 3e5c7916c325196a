"""Edits made live: only the articles an edit touches are rewritten, from
what the index stores (no model runs), and committed as a new generation,
which every server on the index sees at its next request.

The curation lock (``lock.py``, held by indexing runs too) and then the
index's write lock order edits with each other and with indexing runs: an
edit waits up to ``WAIT`` seconds and is then refused, never half made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from whoosh.index import LockError
from whoosh.searching import Searcher

from search.codec import CercaCodec
from search.curation.edits import FIELDS, Edit, EditRefused, Lists, check, edits_of, rewrite
from search.curation.lock import exclusive
from search.curation.store import Store
from search.entities.corrections import Corrections
from search.entities.forms import PART
from search.entities.keys import name_key
from search.index import Index, IndexBusy
from search.indexing.fields import document
from search.models import Article, MentionedDate

WAIT = 10.0  # seconds an edit waits for an indexing run or another edit
BUSY = ("l'indice è occupato da un'indicizzazione o da un'altra modifica: la modifica non "
        "è stata fatta; riprova fra poco")
# The edit to record, the articles' new states and their states before.
Planned = tuple[Edit, dict[str, Lists], dict[str, Lists]]


@dataclass
class Preview:
    """What an edit would change, before it is made."""

    articles: int
    version: str  # the index version the preview saw: a stale edit is refused

    @property
    def message(self) -> str:
        return f"interessa {self.articles} articol{'o' if self.articles == 1 else 'i'}"


def preview(index: Index, edit: Edit) -> Preview:
    """How many articles the edit would rewrite; EditRefused if it is bad."""
    check(edit, Store(index.path).active())
    with index.searcher() as searcher:
        return Preview(len(_affected(searcher, edit)), index.version)


def apply(index: Index, edit: Edit, who: str, seen: str | None = None,
          wait: float = WAIT) -> Edit:
    """Check the edit, rewrite the articles it touches, record it; the
    recorded edit is returned. ``seen`` is the index version the editor's
    page showed: if the index changed since, the edit is refused."""
    return _commit(index, who, seen, lambda searcher, store: _plan(searcher, store, edit), wait)


def undo(index: Index, who: str, edit_id: int | None = None, seen: str | None = None,
         wait: float = WAIT) -> Edit:
    """Undo an edit (the latest in force without ``edit_id``): its
    articles are rewritten as if it had never been made. The undo is
    recorded as an edit."""
    def plan(searcher: Searcher, store: Store) -> Planned:
        active = store.active()
        if edit_id is None and not active:
            raise EditRefused("nessuna modifica da annullare")
        found = active[-1] if edit_id is None else \
            next((e for e in store.edits() if e.id == edit_id), None)
        if found is None:
            raise EditRefused(f"nessuna modifica n. {edit_id}")
        target = found
        if edit_id is not None:
            if target.undoes is not None:
                raise EditRefused(f"la modifica n. {edit_id} è un annullamento: "
                                  "per rifare la modifica, rifalla")
            if target not in active:
                raise EditRefused(f"la modifica n. {edit_id} è già stata annullata")
        states = _states(searcher, [searcher.document_number(id=i) for i in target.articles])
        # Each article from before the first edit that touched it, then
        # every edit still in force, in order: undoing an older edit keeps
        # the later ones, and an edit undone before stays undone.
        new, history = {}, store.edits()
        for doc_id in states:
            state = next(e.before[doc_id] for e in history if doc_id in e.before)
            for edit in active:
                if edit.id != target.id:
                    state = rewrite(state, edit)
            new[doc_id] = state
        record = Edit("undo", target.value, target.target, field=target.field,
                      undoes=target.id)
        return record, new, states

    return _commit(index, who, seen, plan, wait)


def import_corrections(index: Index, corrections: Corrections, who: str) -> list[Edit]:
    """A YAML corrections file applied now, one recorded edit per line of it."""
    done = []
    for edit in edits_of(corrections):
        done.append(apply(index, edit, who))
    return done


def _plan(searcher: Searcher, store: Store, edit: Edit) -> Planned:
    check(edit, store.active())
    states = _states(searcher, _affected(searcher, edit))
    return edit, {doc_id: rewrite(state, edit) for doc_id, state in states.items()}, states


def _commit(index: Index, who: str, seen: str | None,
            plan: Callable[[Searcher, Store], Planned], wait: float) -> Edit:
    with exclusive(index.path, wait, BUSY):
        try:
            writer = index.ix.writer(timeout=wait, delay=0.05, codec=CercaCodec())
        except LockError:
            raise IndexBusy(BUSY) from None
        return _write(index, writer, who, seen, plan)


def _write(index: Index, writer, who: str, seen: str | None,
           plan: Callable[[Searcher, Store], Planned]) -> Edit:
    try:
        if seen and seen != index.version:
            raise EditRefused("l'indice è cambiato da quando hai aperto la pagina (un'altra "
                              "modifica o un'indicizzazione): ricarica la pagina e controlla "
                              "prima di riprovare")
        store = Store(index.path)
        with index.ix.searcher() as searcher:
            edit, new, before = plan(searcher, store)
            stored = {doc_id: searcher.document(id=doc_id) for doc_id in new}
        for doc_id, state in new.items():
            writer.update_document(**document(_article(stored[doc_id], state),
                                              stored[doc_id]["hash"]))
        edit.who, edit.when = who, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        edit.articles = sorted(new)
        edit.before = {i: before[i] for i in edit.articles}
        with store.appending() as append:
            append(edit)
            writer.commit()
        return edit
    except BaseException:
        writer.cancel()
        raise


def _affected(searcher: Searcher, edit: Edit) -> list[int]:
    """The documents with a value the edit touches."""
    reader = searcher.reader()
    docs: set[int] = set()
    if edit.op == "split":
        key = name_key(edit.spelling)
        for f in FIELDS:
            prefix = PART.join((f, edit.value)) + PART
            for term in _expand(reader, "spellings", prefix):
                if name_key(term[len(prefix):]) == key:
                    docs.update(reader.postings("spellings", term).all_ids())
        return sorted(docs)
    key = name_key(edit.value)
    for f in FIELDS:
        if f not in reader.schema:
            continue
        for term in _matching(reader, f, key):
            docs.update(reader.postings(f, term).all_ids())
    return sorted(docs)


def _matching(reader, field: str, key: str) -> Iterable[str]:
    """The values of ``field`` whose key is ``key``: a name is a term, and
    the variants of a key start with the same letters up to case."""
    first = key[:1]
    for term in reader.lexicon(field):
        text = term.decode("utf-8")
        if text[:1].casefold() == first or not text[:1].isalpha():
            if name_key(text) == key:
                yield text


def _expand(reader, field: str, prefix: str) -> list[str]:
    if field not in reader.schema:
        return []
    return [t.decode("utf-8") if isinstance(t, bytes) else t
            for t in reader.expand_prefix(field, prefix)]


def _states(searcher: Searcher, docnums: Iterable[int | None]) -> dict[str, Lists]:
    """Each document's lists and spellings/votes terms, read back from the
    index (the terms are not stored: they are found among the postings of
    the values the document has)."""
    reader = searcher.reader()
    states: dict[str, Lists] = {}
    wanted: dict[int, str] = {}
    for docnum in docnums:
        if docnum is None:
            continue
        fields = searcher.stored_fields(docnum)
        states[fields["id"]] = {f: list(fields.get(f) or []) for f in FIELDS}
        states[fields["id"]].update(spellings=[], votes=[])
        wanted[docnum] = fields["id"]
    values = {(f, v) for s in states.values() for f in FIELDS for v in s[f]}
    for name in ("spellings", "votes"):
        for f, v in values:
            for term in _expand(reader, name, PART.join((f, v)) + PART):
                for docnum in reader.postings(name, term).all_ids():
                    if docnum in wanted:
                        states[wanted[docnum]][name].append(term)
    for state in states.values():
        state["spellings"].sort()
        state["votes"].sort()
    return states


def _article(fields: dict, state: Lists) -> Article:
    """A stored document as the Article ``document()`` writes, with new lists."""
    date = fields.get("date")
    forms = []
    for spelling in state["spellings"]:
        f, v, written = spelling.split(PART, 2)
        labels = [t.split(PART)[2] for t in state["votes"] if t.startswith(f"{f}{PART}{v}{PART}")]
        forms += [(f, v, written, label) for label in labels or [""]]
    return Article(
        id=fields["id"], text=fields.get("body", ""), title=fields.get("title", ""),
        date=date.date() if isinstance(date, dt.datetime) else None,
        date_inferred=bool(fields.get("date_inferred")), source=fields.get("source") or "",
        url=fields.get("url") or "", author=fields.get("author") or "",
        origin=fields.get("origin", ""),
        persons=state["persons"], places=state["places"], orgs=state["orgs"],
        dates=[MentionedDate(**d) for d in fields.get("dates") or []],
        forms=forms,
    )
