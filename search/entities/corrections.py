"""A user's corrections to the facets: rename, merge, retype or suppress names."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from search.entities.keys import LABELS, name_key


@dataclass
class Corrections:
    """A user's fixes, applied at the next ``cerca index``.

    YAML::

        rename:   {"V. Putin": "Vladimir Putin"}   # also merges
        suppress: ["Aurus President"]
        label:    {"Russia Today": ORG}            # PER, LOC or ORG
    """

    rename: dict[str, str] = field(default_factory=dict)
    suppress: set[str] = field(default_factory=set)
    label: dict[str, str] = field(default_factory=dict)
    digest: str = ""

    @classmethod
    def load(cls, path: str | Path | None) -> Corrections:
        if not path:
            return cls()
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "non è testo UTF-8"
            raise ValueError(f"file delle correzioni illeggibile: {path} ({reason})") from None
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" alla riga {mark.line + 1}, colonna {mark.column + 1}" if mark else ""
            raise ValueError(f"file delle correzioni non valido{where}: "
                             f"{getattr(exc, 'problem', None) or 'YAML non leggibile'}") from None
        if not isinstance(data, dict):
            raise ValueError("il file delle correzioni deve contenere rename, suppress o label")
        labels = {name_key(k): str(v).upper() for k, v in (data.get("label") or {}).items()}
        if any(v not in LABELS for v in labels.values()):
            raise ValueError("label: i tipi ammessi sono PER, LOC e ORG")
        return cls(
            rename={name_key(k): str(v) for k, v in (data.get("rename") or {}).items()},
            suppress={name_key(s) for s in (data.get("suppress") or [])},
            label=labels,
            digest=hashlib.sha1(text.encode("utf-8")).hexdigest()[:12],
        )
