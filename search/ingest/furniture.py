"""Page furniture: the lines a news site wraps around an article.

Every rule is here, in one table, each with the reason it exists. Rules
marked ``tail`` only apply in the trailing block of the text (footers and
bios), so a sentence in the middle of an article is never cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    tail_only: bool


def _rule(name: str, pattern: str, tail_only: bool = False) -> Rule:
    return Rule(name, re.compile(pattern, re.IGNORECASE), tail_only)


# A bio tagline: three or more very short sentences wrapped in quotes,
# e.g. “Social media scholar. Reader. Zombieaholic. Web fanatic.”
_BIO = r"^[\"“”«]\s*(?:[^.!?\"“”«»]{1,40}[.!?]\s*){3,}[\"“”»]?$"

RULES: tuple[Rule, ...] = (
    # WordPress comment forms.
    _rule("comment-form", r"^\s*lascia un commento\s*$"),
    _rule("comment-form", r"^\s*il tuo indirizzo email non sar[àa] pubblicato"),
    _rule("comment-form", r"^\s*i campi obbligatori sono contrassegnati"),
    _rule("comment-form", r"^\s*(commenti|\d+ commenti?|commenta)\s*$", tail_only=True),
    # "Segui Avvisatore su Instagram: @avvisatore.it" and its siblings.
    _rule(
        "social",
        r"^\s*segui(?:ci)?\b.{0,60}\bsu (instagram|facebook|twitter|x|telegram|whatsapp|"
        r"tiktok|youtube|linkedin|google news)\b.{0,80}$",
    ),
    # Newsletter sign-up boxes, which trafilatura keeps when they sit in a column of divs.
    _rule("newsletter", r"^\s*iscriviti (?:gratis )?alla (?:nostra )?newsletter\b.{0,120}$"),
    # Copyright and site footers.
    _rule(
        "copyright",
        r"©|\(c\)\s*\d{4}|^\s*copyright\b|\bcopyright\s*(?:\d{4}|©)"
        r"|tutti i diritti riservati|riproduzione riservata",
        tail_only=True,
    ),
    _rule("copyright", r"^\s*(p\.?\s?iva|partita iva)\b", tail_only=True),
    # Trailing author bio taglines.
    _rule("bio", _BIO, tail_only=True),
)

# A footer line is short; a long line that happens to contain "copyright"
# in the tail is still article text.
MAX_TAIL_LINE = 400


def _matches(rule: Rule, line: str) -> bool:
    if rule.tail_only and len(line) > MAX_TAIL_LINE:
        return False
    return bool(rule.pattern.search(line))


def strip_furniture(text: str) -> tuple[str, list[str]]:
    """Remove furniture lines; return the clean text and the rule names used."""
    lines = text.split("\n")
    removed: list[str] = []

    # The tail: walk back from the end over furniture and blank lines.
    end = len(lines)
    while end > 0:
        line = lines[end - 1].strip()
        if not line:
            end -= 1
            continue
        rule = next((r for r in RULES if _matches(r, line)), None)
        if rule is None:
            break
        removed.append(rule.name)
        end -= 1

    kept = []
    for line in lines[:end]:
        rule = next((r for r in RULES if not r.tail_only and _matches(r, line.strip())), None)
        if rule is None:
            kept.append(line)
        else:
            removed.append(rule.name)
    if not removed:  # the text as it was, not a copy of it
        return text.strip(), removed
    return "\n".join(kept).strip(), removed
