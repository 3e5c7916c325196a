"""Italian public bodies, police forces and trade associations, however the
text writes them.

Crime news is about "i carabinieri", "la polizia locale", "la procura":
lower case, so the model misses them, and when it does find them it finds
"Volante", "Municipale", "Procura della Repubblica" as separate values. This
small curated table gives each body one canonical name. ``scan`` patterns
are found in the text in any case; ``names`` only rename what the model
found (a lower-case "volante" or "mobile" is a common word).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from search.analysis import fold

# Kinds of "polizia" that are other bodies, or not bodies at all.
_OTHER_POLICE = ("locale|municipale|stradale|penitenziaria|ferroviaria|postale|provinciale|"
                 "giudiziaria|amministrativa|di frontiera|cantonale|federale")


@dataclass(frozen=True)
class Body:
    name: str
    scan: str
    names: tuple[str, ...] = ()


BODIES = (
    Body("Carabinieri", r"carabinier[ei]|arma dei carabinieri",
         ("Arma", "Cc", "Benemerita", "Arma dei Carabinieri")),
    Body("Polizia municipale", r"polizia (?:locale|municipale)|vigil[ei] urban[io]",
         ("Municipale", "Polizia Locale", "Locale", "Vigili Urbani")),
    Body("Polizia stradale", r"polizia stradale|polstrada", ("Stradale",)),
    Body("Polizia penitenziaria", r"polizia penitenziaria"),
    Body("Polizia giudiziaria", r"polizia giudiziaria"),
    Body("Polizia postale", r"polizia postale", ("Postale",)),
    Body("Polizia ferroviaria", r"polizia ferroviaria|polfer", ("Polfer",)),
    Body("Polizia provinciale", r"polizia provinciale"),
    Body("Commissariato", r"commissariato(?: di (?:polizia|ps|pubblica sicurezza))?",
         ("Commissariato di Polizia", "Commissariato di Ps")),
    Body("Polizia di Stato", rf"polizia di stato|polizia(?! (?:{_OTHER_POLICE}))",
         ("Polizia", "Ps")),
    Body("Guardia di Finanza", r"guardia di finanza|fiamme gialle",
         ("Gdf", "Finanza", "Fiamme Gialle")),
    Body("Vigili del fuoco", r"vigili del fuoco|pompieri", ("Vvf", "Vigili del Fuoco")),
    Body("Polizia Scientifica", r"polizia scientifica", ("Scientifica",)),
    Body("Procura", r"procura(?! general)", ("Procura della Repubblica",)),
    Body("Questura", r"questura"),
    Body("Squadra Mobile", r"squadra mobile", ("Mobile",)),
    Body("Nucleo Operativo e Radiomobile",
         r"nucleo operativo(?: e)? radiomobile|nucleo radiomobile|norm",
         ("Norm", "Radiomobile", "Nucleo Radiomobile", "Norm dei Carabinieri",
          "Nucleo Operativo Radiomobile")),
    Body("Squadra Volante", r"squadra volante", ("Volante", "Volanti")),
    # Public agencies local news quotes by acronym (GUIDELINES: ORG).
    Body("Ausl", r"ausl|azienda usl"), Body("Inps", r"inps"), Body("Arpae", r"arpae"),
    # Trade and farmers' associations, quoted in most local business news.
    *(Body(name, name.casefold()) for name in (
        "Confcommercio", "Confesercenti", "Confartigianato", "Confindustria",
        "Confagricoltura", "Coldiretti", "Legacoop", "Confcooperative")),
)


@functools.cache
def _scanner() -> re.Pattern[str]:
    parts = [f"(?P<b{i}>{body.scan})" for i, body in enumerate(BODIES)]
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE)


@functools.cache
def aliases() -> dict[str, str]:
    """Folded spelling -> canonical name, for every name a body goes by."""
    found = {}
    for body in BODIES:
        for name in (body.name, *body.names):
            found[fold(name.casefold())] = body.name
    return found


def scanned(text: str) -> str | None:
    """The body's name when the whole of ``text`` is one as a text writes
    it, in any case ("i carabinieri", "polizia municipale"; not "mobile")."""
    match = _scanner().fullmatch(text)
    return BODIES[int(str(match.lastgroup)[1:])].name if match else None


def body_mentions(text: str) -> list[tuple[str, str, int]]:
    """(ORG, name as written, start) for each body named in ``text``;
    ``scanned`` gives its canonical name."""
    return [("ORG", m.group(), m.start()) for m in _scanner().finditer(text)]
