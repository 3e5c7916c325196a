"""Sovereign states by any name news give them, so that a country is a
place (training/GUIDELINES.md) even where the model learnt KIND's
convention that a state acting is an organisation ("la Romania ha deciso").

The list (``data/countries.tsv``) holds only countries: a name that is also
a company, a party or a club never enters it."""

from __future__ import annotations

import functools
from importlib import resources

from search.analysis import fold
from search.entities.surface import LEADING_ARTICLE


@functools.cache
def _names() -> dict[str, str]:
    """Folded name -> the Italian name shown."""
    text = resources.files("search.entities").joinpath("data", "countries.tsv").read_text("utf-8")
    names: dict[str, str] = {}
    for line in text.splitlines():
        if line and line[0] != "#":
            _code, shown, others = line.split("\t")
            for name in (shown, *filter(None, others.split("|"))):
                names[fold(name.casefold())] = shown
    return names


def country(folded: str) -> str | None:
    """The Italian name of the country a folded mention names ("gli stati
    uniti", "usa" -> "Stati Uniti"), or None."""
    return _names().get(LEADING_ARTICLE.sub("", folded))
