"""The structure a newsroom puts around an article: dateline and bylines.

"SERRAMAZZONI. I carabinieri …", "di Serena Arbizzi", "— S. A.",
"(fd)": the dateline names the article's place, the bylines its authors.
Read as text, the model takes the dateline for a shouted name and the
journalists for people in the news; so they are found here, before NER,
and the NER reads only the body between them (``News.start``/``end``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from search.entities import places
from search.entities.words import PARTICLES, common_word, first_names, title_case

_CAP = r"[A-ZÀ-Ý]"
_NAME_WORD = rf"{_CAP}[a-zà-ÿ'’]+|{_CAP}[A-ZÀ-Ý'’]+|{_CAP}[a-zà-ÿ]*[A-Z][a-zà-ÿ]+"
_MONTHS = ("gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
           "novembre dicembre").split()
_DATE = rf"(?:\w+\s+)?\d{{1,2}}°?\s+(?:{'|'.join(_MONTHS)})(?:\s+\d{{4}})?"
_DASH = r"[–—-]"
_PLACE_WORD = r"[\wÀ-ÿ'’]+"
_PLACE_END = rf"(?P<end>\s*\.\s+|\s+{_DASH}\s*|,\s*{_DATE}\s*{_DASH}\s*|\s+(?={_CAP}|[«“\"]))"
# "CARPI." "MODENA –" "Modena, 3 settembre –" "SAN FELICE SUL PANARO." "MODENA Ieri",
# longest first.
_DATELINES = tuple(
    re.compile(rf"(?P<place>{_PLACE_WORD}(?:[ -]{_PLACE_WORD}){{{n}}}){_PLACE_END}")
    for n in range(4, -1, -1))
_NAME = rf"(?:{_NAME_WORD})(?:\s+(?:d[aei]\s+|de\s+|del\s+|van\s+)?(?:{_NAME_WORD})){{1,2}}"
# "di Serena Arbizzi", "Elena Pelloni" before the dateline: names of 3 words, then 2.
_LEAD_BYLINES = tuple(
    re.compile(rf"(?:[Dd]i\s+)?(?P<name>(?:{_NAME_WORD})(?:\s+(?:{_NAME_WORD})){{{n}}})\s*(?:\n|\s+)")
    for n in (2, 1))
# Page furniture after the last sentence, in any order.
_END_FURNITURE = re.compile(
    r"(?:\s*(?:©\s*)?RIPRODUZIONE RISERVATA|\s*BY NC ND ALCUNI DIRITTI RISERVATI"
    r"|\s*DIRITTI RISERVATI|\s*\[/?\s*\w+\]|\s*SEGUONO AGGIORNAMENTI|\s*[—+©]"
    r"|\s*\(?notizia in aggiornamento\)?|\s*@\s*\w+)+\s*$", re.IGNORECASE)
# The last character no furniture holds (every character of it is a word
# character, a space or one of these): the furniture starts after it, so
# the search for it starts there instead of at every character of the text.
_NOT_FURNITURE = re.compile(r"(?s:.*)[^\w\s©—+\[\]/()@]")
_INITIALS = r"(?:[A-ZÀ-Ýa-zà-ÿ]{1,4}\.\s*){1,4}[A-ZÀ-Ýa-zà-ÿ]{0,6}"
_END_BYLINE = re.compile(
    rf"(?:(?<=[.!?»”\"…)])|—)\s*(?:"
    rf"\((?P<paren>{_INITIALS}|[a-zà-ÿ]{{2,12}}|{_NAME}|[a-zà-ÿ]+ [a-zà-ÿ]+)\)"
    rf"|—\s*(?P<dashed>{_INITIALS}|{_CAP}[\wÀ-ÿ]{{1,11}}|{_NAME}(?:\s*[-e]\s*{_NAME})?"
    rf"|{_CAP}[a-zà-ÿ]+\s+-\s+{_CAP}[a-zà-ÿ]+)"
    rf"|(?P<bare>(?:[A-Z]\.\s*){{1,4}}|[A-Z]{{2,5}}|{_NAME}(?:\s+(?:e\s+)?{_NAME})*)"
    r")\s*$")


@dataclass
class News:
    """What the newsroom added: the span the NER reads, dateline, authors."""

    start: int = 0
    end: int = 0
    dateline: str = ""
    authors: list[str] = field(default_factory=list)

    @property
    def author(self) -> str:
        return ", ".join(self.authors)


def _shouted(text: str) -> bool:
    """ALL CAPS, or one odd-case word such as "CAmpogalliano"."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and (all(c.isupper() for c in letters) or (
        " " not in text and text[:2].isupper()))


def _is_name(name: str, strict: bool) -> bool:
    words = [w for w in name.split() if w.casefold() not in PARTICLES]
    if len({w.isupper() for w in words}) > 1:
        return False  # "Claudia Benatti NONANTOLA": a name, then a dateline
    if any(places.exact(w) and not w.isupper() for w in words[1:]) and strict:
        return False
    if strict and words[0].casefold() not in first_names():
        return False
    return not any(common_word(w) and w.casefold() not in first_names() for w in words)


def _dateline(text: str, at: int, after_byline: bool = False) -> tuple[str, int] | None:
    for pattern in _DATELINES:
        match = pattern.match(text, at)
        if match:
            found = _place(match.group("place"), match.group("end"), after_byline)
            if found:
                return found, match.end()
    return None


def _place(place: str, end: str, after_byline: bool = False) -> str | None:
    """The dateline's place, if ``place`` followed by ``end`` is one."""
    shouted = _shouted(place)
    known = places.is_italian_place(place)
    # "MODENA Ieri", "mirandola In appena…" (no sentence starts in lower
    # case), never "Marco Rossi Ieri".
    if end.strip() == "" and not ((shouted or place.islower()) and known):
        return None
    # After a byline, a short form in lower case ("Elena Pelloni savignano.")
    # is the dateline too: no sentence starts in lower case.
    lower_after_byline = after_byline and place.islower() and known
    if not shouted and not (places.exact(place) or known and place[0].isupper()
                            or lower_after_byline):
        return None
    return places.resolve(place) or title_case(place)


def _lead(text: str) -> tuple[list[str], str, int]:
    """Bylines and dateline at the start: "di Serena Arbizzi", "Elena Pelloni VIGNOLA."."""
    at = len(text) - len(text.lstrip())
    found = _dateline(text, at)
    if found:
        return [], found[0], found[1]
    for pattern in _LEAD_BYLINES:
        match = pattern.match(text, at)
        if not match:
            continue
        name = match.group("name")
        after = _dateline(text, match.end(), after_byline=True)
        cue = match.group(0)[:2].casefold() == "di" or "\n" in match.group(0)
        next_word = text[match.end():].split(" ", 1)[0].strip(".,;:")
        glued = next_word[:1].isupper() and common_word(next_word) and not _shouted(next_word)
        if _is_name(name, strict=not (cue or after)) and (after or glued or (
                cue and not next_word[:1].islower())):
            author = title_case(name) if _shouted(name) else name
            return [author], *(after or ("", match.end()))
    return [], "", at


def _tail(text: str, start: int) -> tuple[list[str], int]:
    """Bylines at the end, after any copyright line: "— S. A.", "(fd)", "STEFANO TOTARO"."""
    end = len(text.rstrip())
    last = _NOT_FURNITURE.match(text, start, end)
    furniture = _END_FURNITURE.search(text, last.end() if last else start, end)
    if furniture:
        end = furniture.start()
    match = _END_BYLINE.search(text, max(start, end - 80), end)
    if not match:
        return [], end
    raw = match.group("paren") or match.group("dashed") or match.group("bare")
    words = raw.replace(".", " ").split()
    if match.group("paren") and raw.islower() and len(words) > 1 and all(
            len(w) > 2 and common_word(w) and w not in first_names() for w in words):
        return [], end  # "(nella foto)"
    if match.group("bare") and "." not in raw and not raw.isupper() and \
            words[0].casefold() not in first_names():
        return [], end  # a last sentence in capitals is not a byline
    names = re.split(r"\s+e\s+|\s+-\s+", raw.strip())
    if match.group("bare") and " " in raw and not any(c == "." for c in raw):
        names = _split_names(raw)
    return [n for n in map(_signature, names) if n], match.start()


def _signature(name: str) -> str:
    """One spelling per signature: "(fd)" and "— F. D." are "F. D.", "(gib)"
    is "GIB", "STEFANO TOTARO" and "(stefano totaro)" are "Stefano Totaro"."""
    name = name.strip()
    if name.isalpha() and len(name) == 2:
        return f"{name[0].upper()}. {name[1].upper()}."
    if name.isalpha() and len(name) == 3:
        return name.upper()
    return title_case(name) if (name.isupper() and " " in name) or name.islower() else name


def _split_names(text: str) -> list[str]:
    """"Stefano Totaro Gabriele Farina" -> two names, at each known first name."""
    words = [w for w in text.split() if w != "e"]
    names: list[list[str]] = []
    for word in words:
        if not names or (word.casefold() in first_names() and len(names[-1]) >= 2):
            names.append([word])
        else:
            names[-1].append(word)
    return [" ".join(n) for n in names]


def read(text: str) -> News:
    """The dateline, authors and the span of ``text`` the NER should read."""
    authors, dateline, start = _lead(text)
    tail_authors, end = _tail(text, start)
    for name in tail_authors:
        if name not in authors:
            authors.append(name)
    return News(start=start, end=max(start, end), dateline=dateline, authors=authors)
