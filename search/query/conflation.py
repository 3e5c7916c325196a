"""What else a typed word stands for in this index: the inflections and
accents Snowball splits.

Snowball strips "-ano" and "-are" from the masculine singular only
("italiano" -> ital, "italiani" -> italian), and a word typed without its
final accent stems differently ("novita" -> nov, "novità" -> novit). The
index's own vocabulary decides which candidate forms are real words here,
so the class map needs no word list and no re-indexing, and is the same
for every document: conflation happens at query time, over terms the
index already has.

* A sibling (same word, other gender or number) whose stem extends the
  typed word's stem adds that stem: "nucleare" (nucl) adds nuclear, the
  stem of "nucleari".
* A sibling with a shorter or different stem adds only the sibling word
  itself (exact field): "nucleari" adds "nucleare", never the broader
  stem nucl of "nucleo".
* A reading with the final accent restored adds its stem when the index
  has it: "novita" adds novit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from search.analysis import accented, fold, siblings, stem, word_forms


class Vocabulary(Protocol):
    """Anything that answers ``(field, term) in vocabulary``: a Whoosh reader."""

    def __contains__(self, item: tuple[str, str]) -> bool: ...


@dataclass
class Related:
    """Terms a typed word also matches: stems, and exact (folded) words."""

    stems: list[str] = field(default_factory=list)
    exact: list[str] = field(default_factory=list)


def _has(vocabulary: Vocabulary, fields: tuple[str, str], term: str) -> bool:
    return any((name, term) in vocabulary for name in fields)


def related(word: str, vocabulary: Vocabulary) -> Related:
    """The stems and words ``word`` stands for beyond its own Snowball stem."""
    _, own = word_forms(word)
    found = Related()
    if own is None:
        return found
    word = word.lower().rstrip("'’")
    for form in siblings(word):
        form_stem, form_exact = fold(stem(form)), fold(form)
        if form_stem == own or not _has(vocabulary, ("body_exact", "title_exact"), form_exact):
            continue
        if form_stem.startswith(own):
            found.stems.append(form_stem)
        else:
            found.exact.append(form_exact)
    for form in accented(word):
        form_stem = fold(stem(form))
        if form_stem != own and _has(vocabulary, ("body", "title"), form_stem):
            found.stems.append(form_stem)
    found.stems = list(dict.fromkeys(found.stems))
    found.exact = list(dict.fromkeys(found.exact))
    return found
