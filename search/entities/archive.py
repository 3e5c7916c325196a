"""What the whole archive says about a name, so one article cannot decide alone.

One article writes "CARPI", another "Carpi"; one tags "Pavullo" a person,
fifty a place; "Probabilmente" opens sentences but "probabilmente" is what
the archive writes; "Muzzarelli" is, in every article that gives a first
name, "Gian Carlo Muzzarelli". The indexer observes every article of a run
before naming entities (``EntityEnricher.observe``) and collects this evidence,
so the names do not depend on batch order or on ``--jobs``.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from search.entities import places
from search.entities.keys import compact_key
from search.entities.words import first_names

_WORD = re.compile(r"\w[\w'’]*")
_SENTENCE_END = frozenset(".!?»:;\n\"“”…")


def is_initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (or the text)."""
    before = text[:start].rstrip(" \t([«\"“'‘-–—")
    return not before or before[-1] in _SENTENCE_END


def shouted(text: str) -> bool:
    """ALL CAPS, or odd case such as "CAmpogalliano"."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and (all(c.isupper() for c in letters) or (
        text[:2].isalpha() and text[:2].isupper()))


@dataclass
class Evidence:
    labels: Counter = field(default_factory=Counter)  # (key, label) -> mentions
    spellings: dict = field(default_factory=lambda: defaultdict(Counter))  # key -> spellings
    lower: Counter = field(default_factory=Counter)  # word -> lower-case occurrences
    capital: Counter = field(default_factory=Counter)  # word -> capitalised, mid-sentence
    surnames: dict = field(default_factory=lambda: defaultdict(Counter))  # last -> full keys
    datelines: Counter = field(default_factory=Counter)
    authors: Counter = field(default_factory=Counter)  # bylines found by the newsroom
    first_words: Counter = field(default_factory=Counter)  # word -> full names it starts
    # casefolded byline -> its forms ("S. TO" 232, "S. to" 4)
    author_forms: dict = field(default_factory=lambda: defaultdict(Counter))
    variants: dict = field(default_factory=lambda: defaultdict(Counter))  # compact key -> keys

    def add_author(self, name: str) -> None:
        self.authors[name] += 1
        self.author_forms[name.casefold()][name] += 1

    def author(self, name: str) -> str:
        """The archive's usual form of a byline: forms differing only in case
        ("Camma", "CAMMA"; "Andrea MInghelli") are one author, shown as the
        most written, a calm form before a shouted one at equal counts."""
        forms = self.author_forms.get(name.casefold())
        if not forms:
            return name
        return max(forms, key=lambda form: (forms[form], not shouted(form), form))

    def add_text(self, text: str) -> None:
        for match in _WORD.finditer(text):
            word = match.group(0)
            if word.islower():
                self.lower[word] += 1
            elif word[0].isupper() and not is_initial(text, match.start()):
                self.capital[word.casefold()] += 1

    def add_mention(self, label: str, key: str, spelling: str) -> None:
        self.labels[(key, label)] += 1
        self.spellings[key][spelling] += 1
        self.variants[compact_key(key)][key] += 1
        words = key.split()
        if label == "PER" and len(words) >= 2:
            if key not in self.surnames[words[-1]]:
                self.first_words[words[0]] += 1
            self.surnames[words[-1]][key] += 1

    def add_dateline(self, name: str) -> None:
        self.datelines[name] += 1
        self.__dict__.pop("home", None)

    @functools.cached_property
    def home(self) -> places.Home:
        """The archive's region, from its datelines (else none); read once
        the evidence is complete."""
        return places.home_of(self.datelines.elements())

    def label(self, key: str, given: str) -> str:
        """The label most of the archive's mentions of ``key`` have."""
        counts = {label: self.labels[(key, label)] for label in ("PER", "LOC", "ORG")}
        best = max(counts.values())
        if best == 0 or counts.get(given, 0) == best:
            return given
        return max(counts, key=lambda label: (counts[label], label))

    def spelling(self, key: str) -> str | None:
        """The usual spelling: the most written one that is not shouted."""
        found = [(n, s) for s, n in self.spellings.get(key, {}).items()]
        calm = [(n, s) for n, s in found if not shouted(s)]
        return max(calm or found, default=(0, None))[1]

    def common(self, word: str) -> bool | None:
        """Whether the archive writes ``word`` in lower case more often than
        capitalised in mid-sentence; None when it has never seen it there."""
        lower, capital = self.lower[word.casefold()], self.capital[word.casefold()]
        if lower + capital == 0:
            return None
        return lower > capital

    def full_name(self, surname_key: str) -> str | None:
        """The full-name key ending in this surname, if one does, or one is
        written at least three times as often as any other ("Gian Carlo
        Muzzarelli" 62, "Giancarlo Muzzarelli" 6)."""
        found = self.surnames.get(surname_key)
        if not found:
            return None
        names: Counter = Counter()
        for name, count in found.items():  # "Francesco Menani" counts for "Gian Francesco Menani"
            names[self.variant(self.longer_name(name) or name)] += count
        (best, top), *rest = names.most_common(2)
        return best if not rest or top >= 3 * rest[0][1] else None

    def longer_name(self, key: str) -> str | None:
        """The one longer full name a full name is the end of ("Francesco
        Menani" -> "Gian Francesco Menani"), if exactly one is."""
        words = key.split()
        longer = [name for name in self.surnames.get(words[-1], ())
                  if len(name.split()) > len(words) and name.split()[-len(words):] == words
                  # "Gian", not "Pm" or "Romagna": a span the model ran too long.
                  and all(w in first_names() for w in name.split()[:-len(words)])]
        return longer[0] if len(longer) == 1 else None

    def other_label(self, key: str) -> str | None:
        """LOC or ORG, whichever the archive gives ``key`` more, when the two
        make at least one mention in 25, else None."""
        counts = {label: self.labels[(key, label)] for label in ("PER", "LOC", "ORG")}
        total = sum(counts.values())
        other = max(("ORG", "LOC"), key=lambda label: counts[label])
        return other if total and (counts["ORG"] + counts["LOC"]) * 25 >= total else None

    def variant(self, key: str) -> str:
        """The archive's most mentioned key among the spellings that differ
        from ``key`` only in spaces, hyphens and apostrophes ("Giancarlo
        Muzzarelli" -> "gian carlo muzzarelli", "Deluca" -> "de luca")."""
        found = self.variants.get(compact_key(key))
        if not found or len(found) < 2:
            return key
        return max(found, key=lambda k: (found[k], k == key, k))

    def first_name(self, key: str) -> bool:
        """Whether the archive's full names start with ``key`` three times or more."""
        return self.first_words[key] >= 3
