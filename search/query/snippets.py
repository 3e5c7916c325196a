"""Highlighted snippets: escaped text with <mark> around matched words.

A word is marked when one of its forms (``analysis.match_keys``: stem or
exact, accents folded) is among the query's terms, so "missile" marks
"missili" and "citta" marks "città"; a name found by its whole reading
("dalema") is marked whole ("D'Alema"). Matching is a regex pass with a
per-word cache rather than Whoosh's highlighter, which builds a Token
object per word of every hit shown and dominated the page's cost.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

from whoosh import query as wq

from search.analysis import TOKEN_PATTERN, WORD_PATTERN, fold, match_keys, token_forms

FRAGMENTS = 3
FRAGMENT_CHARS = 220
SURROUND = 70
LEAD_CHARS = 240
BETWEEN = " … "
# A run whose matches, with this many words each side, are mostly shown
# already (half their three-word sequences) repeats a fragment.
CORE_WORDS = 3

_WORD = re.compile(WORD_PATTERN)
_TOKEN = re.compile(TOKEN_PATTERN)
_SPACE = re.compile(r"\s+")


@dataclass
class Match:
    start: int
    end: int
    key: str


def matches(text: str, terms: frozenset[str]) -> list[Match]:
    """Every word of ``text`` with a form among ``terms``, in order.

    Stems and exact forms are prefixes of the folded, lowercased word, so
    one regex pass over the folded text finds the candidate words and only
    those go through ``match_keys``.
    """
    folded = _fold_chars(text)
    found: list[Match] = []
    for candidate in _prefixes(terms).finditer(folded):
        start = candidate.start()
        if found and start < found[-1].end:
            continue
        name = _name_match(text, start, terms)
        if name is not None:
            found.append(name)
            continue
        m = _WORD.match(text, start)
        if m is None:
            continue
        for key in match_keys(m.group()):
            if key in terms:
                found.append(Match(m.start(), m.end(), key))
                break
    return found


def _name_match(text: str, start: int, terms: frozenset[str]) -> Match | None:
    """A whole name ("D'Alema") at ``start`` whose whole reading is a term."""
    m = _TOKEN.match(text, start)
    if m is None:
        return None
    whole = token_forms(m.group())[1]
    if whole is None or "e:" + whole not in terms:
        return None
    return Match(m.start(), m.end(), "e:" + whole)


@functools.lru_cache(maxsize=1024)
def _prefixes(terms: frozenset[str]) -> re.Pattern:
    forms = sorted({t[2:] for t in terms if len(t) > 2}, key=len, reverse=True)
    # Each form's first letter comes first, and only then the check that
    # no letter precedes it ("(?<!\w)" as seen one character on): a pattern
    # that starts with a letter lets the regex engine skip to where one of
    # the first letters is, instead of trying every position.
    written = [re.escape(f[0]) + r"(?<!\w.)" + _rest(f) for f in forms]
    return re.compile("(?:" + "|".join(written) + ")", re.DOTALL)


def _rest(form: str) -> str:
    """A form after its first letter; a name's whole reading ("dalema") is
    written with its apostrophe, anywhere in it."""
    if not form.isalpha():
        return re.escape(form[1:])
    return "".join("['’]?" + re.escape(c) for c in form[1:])


class _FoldTable(dict):
    """str.translate table: each character to its folded lowercase form."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = fold(char.lower())[:1] or char
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()
# The only characters str.lower() lowers by their context (final sigma) or
# into two characters; any other lowers alone, into one.
_CONTEXT_LOWER = ("\u0130", "\u03a3")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_chars(text: str) -> str:
    """Lowercase and accent-folded, character for character (same offsets).

    The text is lowered whole, at C speed, and then each distinct
    non-ASCII character (a dozen in an Italian article: à, è, ’, «, ...)
    is replaced throughout at C speed too: a translate through the table
    visits every character from Python, a substitution calls back to
    Python for each non-ASCII one.
    """
    if any(c in text for c in _CONTEXT_LOWER):
        return text.translate(_FOLD_TABLE)
    folded = text.lower()
    if folded.isascii():
        return folded
    replaced = {c: _FOLD_TABLE[ord(c)] for c in set(_NON_ASCII.findall(folded))}
    if any(not new.isascii() and new != old for old, new in replaced.items()):
        return folded.translate(_FOLD_TABLE)  # one replacement could undo another
    for old, new in replaced.items():
        if new != old:
            folded = folded.replace(old, new)
    return folded


def _fragments(found: list[Match]) -> list[list[Match]]:
    """Runs of matches that fit in one fragment with their context."""
    runs: list[list[Match]] = []
    for match in found:
        if runs and match.end - runs[-1][0].start <= FRAGMENT_CHARS - 2 * SURROUND:
            runs[-1].append(match)
        else:
            runs.append([match])
    return runs


def _bounds(text: str, run: list[Match]) -> tuple[int, int]:
    """A run's matches with up to SURROUND characters each side, cut at spaces."""
    start = max(0, run[0].start - SURROUND)
    if start > 0:
        space = text.find(" ", start, run[0].start)
        start = space + 1 if space >= 0 else run[0].start
    end = min(len(text), run[-1].end + SURROUND)
    if end < len(text):
        space = text.rfind(" ", run[-1].end, end)
        end = space if space >= 0 else run[-1].end
    return start, end


def _marked(text: str, start: int, end: int, run: list[Match]) -> str:
    parts, at = [], start
    for match in run:
        parts.append(html.escape(text[at:match.start]))
        parts.append("<mark>" + html.escape(text[match.start:match.end]) + "</mark>")
        at = match.end
    parts.append(html.escape(text[at:end]))
    return "".join(parts)


def _shingles(words: list[str]) -> set[str]:
    """The three-word sequences of ``words``: what a reader would
    recognise as the same text shown twice."""
    return {" ".join(words[i:i + 3]) for i in range(max(0, len(words) - 2))}


def _words(text: str, start: int, end: int) -> list[str]:
    return [fold(w.lower()) for w in _WORD.findall(text, start, end)]


def _core(text: str, run: list[Match]) -> set[str]:
    """The shingles of a run's matches and the CORE_WORDS words each side."""
    reach = CORE_WORDS * 20
    before = _words(text, max(0, run[0].start - reach), run[0].start)[-CORE_WORDS:]
    after = _words(text, run[-1].end, run[-1].end + reach)[:CORE_WORDS]
    return _shingles(before + _words(text, run[0].start, run[-1].end) + after)


def _windows(text: str, found: list[Match], top: int) -> list[tuple[int, int]]:
    """Up to ``top`` spans of ``text`` around the best runs of ``found``
    (most distinct words, then most matches), in text order, overlapping or
    touching spans merged; a run whose text repeats a span already chosen
    (an article that restates its lead) gives way to the next best."""
    runs = _fragments(found)
    order = sorted(range(len(runs)), key=lambda i: (-len({m.key for m in runs[i]}),
                                                    -len(runs[i]), i))
    chosen: list[tuple[int, int]] = []
    seen: set[str] = set()
    for i in order:
        if len(chosen) == top:
            break
        start, end = _bounds(text, runs[i])
        core = _core(text, runs[i])
        if core and 2 * len(core & seen) >= len(core):
            continue
        seen |= _shingles(_words(text, start, end))
        chosen.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(chosen):
        if merged and not text[merged[-1][1]:start].strip(" \t\n"):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, terms: frozenset[str], top: int = FRAGMENTS,
            found: list[Match] | None = None) -> str:
    """Up to ``top`` fragments around ``terms`` (see ``highlight_terms``),
    in text order; the lead when nothing matches. Every match a fragment
    shows is marked, no fragment repeats another's text, and "…" stands
    only where text is left out. ``found``: the matches of ``terms`` when
    already known."""
    if found is None:
        found = matches(text, terms) if terms else []
    if not found:
        return lead(text)
    windows = _windows(text, found, top)
    parts = []
    for start, end in windows:
        inside = [m for m in found if start <= m.start and m.end <= end]
        parts.append(_SPACE.sub(" ", _marked(text, start, end, inside)).strip())
    head = "… " if text[:windows[0][0]].strip() else ""
    tail = " …" if text[windows[-1][1]:].strip() else ""
    return head + BETWEEN.join(parts) + tail


def mark_all(text: str, terms: frozenset[str]) -> str:
    """The whole text, escaped, with every match marked (the article page)."""
    found = matches(text, terms) if terms else []
    return _marked(text, 0, len(text), found)


def highlight_terms(q: wq.Query, reader) -> frozenset[str]:
    """A query's body and title terms, wildcards and fuzzy terms expanded,
    in the forms ``match_keys`` gives."""
    # Not Query.existing_terms(): in Whoosh 2.7.5 its loop variable shadows
    # the ``fieldname`` argument and drops terms.
    terms = set()
    leaves = [q] if q.is_leaf() else q.leaves()
    for leaf in leaves:
        for field, text in leaf.expanded_terms(reader, phrases=True):
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            if field in ("body", "title"):
                terms.add("s:" + text)
            elif field in ("body_exact", "title_exact"):
                terms.add("e:" + text)
    return frozenset(terms)


def lead(text: str, limit: int = LEAD_CHARS) -> str:
    """The opening of the text, escaped, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return html.escape(text)
    return html.escape(text[:limit].rsplit(" ", 1)[0]) + " …"
