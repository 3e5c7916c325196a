"""One editor's fix to the facets, as data: checked, applied to an
article's entity lists, and folded into the ``Corrections`` that
``cerca index --corrections`` reads.

A correction names a value by its key (``name_key``: case, accents and
spacing folded away) and holds for every type, as in the YAML file: a
rename of "Menani" renames it wherever it is a facet value.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from search.entities.corrections import Corrections
from search.entities.forms import PART, term_prefix
from search.entities.keys import FIELD_OF, LABELS, name_key

OPS = ("merge", "rename", "type", "suppress", "split")
FIELDS = tuple(FIELD_OF.values())  # persons, places, orgs
LABEL_OF = {f: label for label, f in FIELD_OF.items()}
TYPE_OF_FIELD = {"persons": "person", "places": "place", "orgs": "org"}
FIELD_OF_TYPE = {v: k for k, v in TYPE_OF_FIELD.items()}
MAX_NAME = 120
_MARKUP = re.compile(r"[<>{}\x00-\x1f\x7f]")
# An article's entity lists (field -> values, most mentioned first) and its
# spellings and votes terms.
Lists = dict[str, list[str]]


class EditRefused(ValueError):
    """An edit that cannot be made; the message is for the editor, in Italian."""


@dataclass
class Edit:
    """A change to one facet value.

    ``op`` is merge (``value`` into ``target``), rename (to ``target``),
    type (to the type ``target``: person, place, org), suppress, or split
    (the articles that write ``value`` as ``spelling`` get ``target``).
    """

    op: str
    value: str
    target: str = ""
    spelling: str = ""
    field: str = "persons"  # where the editor saw the value
    id: int = 0
    who: str = ""
    when: str = ""
    articles: list[str] = dataclasses.field(default_factory=list)
    # The affected articles' lists before the edit: what undo puts back.
    before: dict[str, Lists] = dataclasses.field(default_factory=dict)
    undoes: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Edit:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def describe(self) -> str:
        """One Italian line for the history page and ``corrections list``."""
        if self.undoes is not None:
            return f"annullata la modifica n. {self.undoes}"
        return {
            "merge": f"«{self.value}» unito a «{self.target}»",
            "rename": f"«{self.value}» rinominato «{self.target}»",
            "type": f"«{self.value}» spostato fra {TYPE_NAMES.get(self.target, self.target)}",
            "suppress": f"«{self.value}» soppresso",
            "split": f"«{self.spelling}» separato da «{self.value}» come «{self.target}»",
        }.get(self.op, self.op)


TYPE_NAMES = {"person": "le persone", "place": "i luoghi", "org": "le organizzazioni"}


def check_name(name: str, what: str = "il nome") -> str:
    """A name an editor typed, trimmed, or EditRefused."""
    name = " ".join(str(name).split())
    if not name:
        raise EditRefused(f"manca {what}")
    if len(name) > MAX_NAME:
        raise EditRefused(f"{what} è troppo lungo (al massimo {MAX_NAME} caratteri)")
    if _MARKUP.search(name):
        raise EditRefused(f"{what} contiene caratteri non ammessi (< > {{ }} o di controllo)")
    if not name_key(name):
        raise EditRefused(f"{what} deve contenere almeno una lettera o una cifra")
    return name


def check(edit: Edit, active: list[Edit]) -> Edit:
    """The edit with its names trimmed, or EditRefused: an unknown
    operation or type, a merge into itself, a rename that closes a cycle."""
    if edit.op not in OPS:
        raise EditRefused(f"operazione sconosciuta «{str(edit.op)[:40]}»")
    if edit.field not in FIELDS:
        raise EditRefused("tipo sconosciuto: sono ammessi persona, luogo e organizzazione")
    edit.value = check_name(edit.value, "il valore")
    if edit.op == "suppress":
        edit.target = ""
    elif edit.op == "type":
        if edit.target not in FIELD_OF_TYPE:
            raise EditRefused(f"tipo sconosciuto «{str(edit.target)[:40]}»: sono ammessi "
                              "person, place e org (persona, luogo, organizzazione)")
    else:
        edit.target = check_name(edit.target, "il nuovo nome")
    if edit.op == "split":
        edit.spelling = check_name(edit.spelling, "la grafia da separare")
        if name_key(edit.spelling) == name_key(edit.value):
            raise EditRefused("questa grafia è il nome stesso del valore: scegline un'altra")
    if edit.op in ("merge", "rename", "split"):
        source = edit.spelling if edit.op == "split" else edit.value
        if name_key(edit.target) == name_key(source) and (
                edit.op == "merge" or edit.target == source):
            raise EditRefused("non si può unire un valore a sé stesso" if edit.op == "merge"
                              else "il nuovo nome è uguale a quello attuale")
        renames = corrections_of(active).rename
        if name_key(edit.target) != name_key(source) and \
                _leads_to(renames, name_key(edit.target), name_key(source)):
            raise EditRefused(f"«{edit.target}» è già stato unito a «{source}»: "
                              "l'unione creerebbe un ciclo")
    return edit


def _leads_to(renames: dict[str, str], start: str, goal: str) -> bool:
    seen, key = set(), start
    while key in renames and key not in seen:
        seen.add(key)
        key = name_key(renames[key])
        if key == goal:
            return True
    return False


def rewrite(state: Lists, edit: Edit) -> Lists:
    """An article's state after the edit: its persons/places/orgs lists
    and its ``spellings`` and ``votes`` terms (``entities/forms.py``)."""
    key = name_key(edit.value)
    out: Lists = {f: list(state.get(f, [])) for f in (*FIELDS, "spellings", "votes")}
    moved: dict[tuple[str, str], tuple[str, str] | None] = {}  # (field, value) -> new, or None
    if edit.op == "split":
        mine = name_key(edit.spelling)
        for f in FIELDS:
            if edit.value not in out[f]:
                continue
            written = [t.split(PART)[2] for t in out["spellings"]
                       if t.startswith(term_prefix(f, edit.value))]
            if not any(name_key(w) == mine for w in written):
                continue
            keep = any(name_key(w) != mine for w in written)
            i = out[f].index(edit.value)
            out[f][i:i + 1] = [edit.value, edit.target] if keep else [edit.target]
            out[f] = _unique(out[f])
            out["spellings"] = [
                PART.join((f, edit.target, t.split(PART)[2]))
                if t.startswith(term_prefix(f, edit.value)) and name_key(t.split(PART)[2]) == mine
                else t for t in out["spellings"]]
            votes = [t for t in out["votes"] if t.startswith(term_prefix(f, edit.value))]
            out["votes"] += [PART.join((f, edit.target, t.split(PART)[2])) for t in votes]
            if not keep:
                out["votes"] = [t for t in out["votes"] if t not in votes]
        out["spellings"], out["votes"] = sorted(set(out["spellings"])), sorted(set(out["votes"]))
        return out
    for f in FIELDS:
        for v in out[f]:
            if name_key(v) != key:
                continue
            if edit.op in ("merge", "rename"):
                moved[(f, v)] = (f, edit.target)
            elif edit.op == "suppress":
                moved[(f, v)] = None
            else:
                moved[(f, v)] = (FIELD_OF_TYPE[edit.target], v)
    if not moved:
        return out
    for f in FIELDS:
        out[f] = [v for v in out[f] if (f, v) not in moved]
    for (f, v), new in moved.items():
        if new is not None:
            i = state[f].index(v) if new[0] == f else len(out[new[0]])
            out[new[0]] = _unique([*out[new[0]][:i], new[1], *out[new[0]][i:]])
    for name in ("spellings", "votes"):
        terms = []
        for t in out[name]:
            f, v, rest = t.split(PART, 2)
            if (f, v) not in moved:
                terms.append(t)
            elif (new := moved[(f, v)]) is not None:
                terms.append(PART.join((*new, rest)))
        out[name] = sorted(set(terms))
    return out


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(v, None)
    return list(seen)


def corrections_of(edits: Iterable[Edit], base: Corrections | None = None) -> Corrections:
    """The corrections the active edits amount to, over ``base`` (the YAML
    file): what the next ``cerca index`` applies, so a rebuild keeps them.
    Renames are followed to their end (A -> B, then B -> C: A -> C)."""
    base = base or Corrections()
    rename, label = dict(base.rename), dict(base.label)
    suppress = set(base.suppress)
    edits = list(edits)
    for edit in edits:
        key = name_key(edit.value)
        if edit.op in ("merge", "rename"):
            for k, v in list(rename.items()):
                if name_key(v) == key:
                    rename[k] = edit.target
            rename[key] = edit.target
        elif edit.op == "split":
            rename[name_key(edit.spelling)] = edit.target
        elif edit.op == "type":
            label[key] = LABEL_OF[FIELD_OF_TYPE[edit.target]]
        elif edit.op == "suppress":
            suppress.add(key)
    payload = json.dumps([base.digest, [e.to_dict() | {"before": {}} for e in edits]],
                         sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha1(payload.encode()).hexdigest()[:12] if edits else base.digest
    return Corrections(rename=rename, suppress=suppress, label=label, digest=digest)


def edits_of(corrections: Corrections) -> list[Edit]:
    """A YAML corrections file as edits, for ``cerca corrections import``."""
    edits = [Edit("suppress", key) for key in sorted(corrections.suppress)]
    edits += [Edit("type", key, TYPE_OF_FIELD[FIELD_OF[label]])
              for key, label in corrections.label.items() if label in LABELS]
    edits += [Edit("rename", old, new) for old, new in corrections.rename.items()]
    return edits
