"""How deeply a typed query nests, checked before it is parsed.

Whoosh's parser, and every walk over the query it builds, recurses once
per level of parentheses: a query of a few hundred nested groups (under a
kilobyte) exhausts Python's stack in a request thread. No one searches
that deep, so past ``MAX_DEPTH`` the query is searched as its plain words,
with a notice saying so.
"""

from __future__ import annotations

MAX_DEPTH = 20
NOTICE = (f"Più di {MAX_DEPTH} parentesi una dentro l'altra: cercate le sole parole, "
          "senza operatori.")


def depth(text: str) -> int:
    """The deepest nesting of parentheses in ``text``, outside quotes
    (inside a phrase a parenthesis is just a character)."""
    deepest = level = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            level += 1
            deepest = max(deepest, level)
        elif char == ")":
            level = max(0, level - 1)
    return deepest


def too_deep(text: str) -> bool:
    return depth(text) > MAX_DEPTH
