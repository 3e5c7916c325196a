"""Editors' sign-in: sessions, CSRF and the login rate limit.

Reading stays open to everyone; only editing needs an account
(``cerca user add``). With no account beside the index, none of this is
registered: there is no login page and no edit route at all.

* The session is Flask's signed cookie, HttpOnly and SameSite=Lax, and
  Secure whenever the request came over HTTPS (behind a proxy, set
  ``PROXY_COUNT`` so that ``X-Forwarded-Proto`` counts) or
  ``SESSION_COOKIE_SECURE`` is set. Its key is ``SECRET_KEY`` or else a
  random one kept beside the index (``.cerca-secret``, mode 0600), which
  every gunicorn worker on that index shares.
* Every state-changing request (login, logout, edits) carries the
  session's CSRF token as ``csrf_token``; a missing or wrong one is a 403.
* Login attempts are limited per client address (``RATE_LIMIT_LOGIN``).
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
)
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from webapp import accounts
from webapp.errors import error_response

bp = Blueprint("auth", __name__)
SECRET_FILE = ".cerca-secret"


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, Secure whenever the request is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> bool:
    """Register sign-in if the index has editors; whether it does."""
    try:
        editors = accounts.load(app.config["INDEX_DIR"])
    except ValueError as exc:
        app.logger.error("%s", exc)
        editors = {}
    if not editors:
        return False
    app.extensions["cerca_editors"] = editors
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret(Path(app.config["INDEX_DIR"]))
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_NAME="cerca_sessione")
    app.session_interface = SessionInterface()
    limiter = Limiter(get_remote_address, app=app, storage_uri=app.config[
        "RATE_LIMIT_STORAGE_URI"], headers_enabled=True)
    limit: Any = limiter.limit(str(app.config["RATE_LIMIT_LOGIN"]), methods=["POST"])
    app.register_blueprint(bp)
    app.view_functions["auth.login"] = limit(app.view_functions["auth.login"])
    app.context_processor(lambda: {"editor": editor(), "csrf_token": csrf_token})
    return True


def _secret(folder: Path) -> str:
    """The key signing sessions on this index, made once."""
    path = folder / SECRET_FILE
    try:
        return path.read_text("utf-8").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first
        return path.read_text("utf-8").strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def editor() -> str | None:
    """The signed-in editor of this request, if the account still exists."""
    name = session.get("editor")
    editors = current_app.extensions.get("cerca_editors", {})
    return name if isinstance(name, str) and name in editors else None


def csrf_token() -> str:
    """This session's CSRF token, made at first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def check_csrf() -> None:
    """Refuse a state-changing request without this session's token."""
    sent = request.form.get("csrf_token", "")
    known = session.get("csrf", "")
    if not sent or not known or not hmac.compare_digest(str(sent), str(known)):
        abort(error_response(403, "csrf", "Modulo scaduto o non valido: ricarica la pagina "
                             "e riprova.", "Missing or wrong CSRF token."))


def require_editor() -> str:
    """The editor, or a 401 for anyone else."""
    name = editor()
    if name is None:
        abort(error_response(401, "login_required", "Serve l'accesso da editore: "
                             "entra da /accesso.", "Editor login required."))
    return name


def _next() -> str:
    """Where to go after signing in: only a path on this site."""
    target = request.values.get("next", "/")
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@bp.route("/accesso", methods=["GET", "POST"])
def login():
    message = ""
    if request.method == "POST":
        check_csrf()
        name = request.form.get("username", "")[:40]
        password = request.form.get("password", "")[:1000]
        if accounts.verify(current_app.extensions["cerca_editors"], name, password):
            session.clear()
            session["editor"] = name
            csrf_token()
            return redirect(_next(), 303)
        message = "Nome utente o password errati."
    status = 401 if message else 200
    return render_template("login.html", message=message, next=_next()), status


@bp.post("/uscita")
def logout():
    check_csrf()
    session.clear()
    return redirect("/", 303)
