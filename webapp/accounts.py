"""Editors' accounts, kept beside the index in ``editors.json`` (mode
0600), so ``cerca serve --index DIR`` and gunicorn on that index find them.

Passwords are stored as werkzeug's scrypt hashes (salted, memory-hard);
checking a name that does not exist costs the same as a wrong password.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

ACCOUNTS = "editors.json"
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
MIN_PASSWORD = 10
# Compared against when the name is unknown, so timing does not tell.
_DUMMY = generate_password_hash("not a password", method="scrypt")


def path_of(index_dir: str | os.PathLike) -> Path:
    return Path(index_dir) / ACCOUNTS


def load(index_dir: str | os.PathLike) -> dict[str, str]:
    """name -> password hash; empty when no account exists."""
    try:
        data = json.loads(path_of(index_dir).read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        raise ValueError(f"{path_of(index_dir)} illeggibile: gli account non sono "
                         "stati caricati") from None
    return {str(k): str(v) for k, v in (data.get("editors") or {}).items()}


def add(index_dir: str | os.PathLike, name: str, password: str) -> None:
    """Create or replace an editor's account; ValueError (Italian) if the
    name or password will not do."""
    if not NAME.fullmatch(name):
        raise ValueError("nome utente non valido: da 1 a 40 tra lettere minuscole, cifre, "
                         "punto, trattino e trattino basso")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"la password deve avere almeno {MIN_PASSWORD} caratteri")
    folder = Path(index_dir)
    if not folder.is_dir():
        raise ValueError(f"la cartella dell'indice {folder} non esiste")
    editors = load(folder)
    editors[name] = generate_password_hash(password, method="scrypt")
    target = path_of(folder)
    staging = target.with_name(f".{ACCOUNTS}.{os.getpid()}")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"editors": editors}, handle, indent=1)
    os.replace(staging, target)


def verify(editors: dict[str, str], name: str, password: str) -> bool:
    """Whether the password is the editor's."""
    stored = editors.get(name)
    ok = check_password_hash(stored or _DUMMY, password)
    return ok and stored is not None
