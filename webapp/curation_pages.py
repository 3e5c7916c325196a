"""Editors' routes: preview an edit, apply it, list the history, undo.

Registered only when the index has editors (``webapp/auth.py``); every
route needs a signed-in editor, and every POST the session's CSRF token.
The work is ``search.curation``'s; this module turns a form into an
``Edit`` and renders the outcome.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request

from search import IndexProblem, SearchRequest, entities
from search.curation import Edit, EditRefused, Store, apply, preview, undo
from webapp import get_index
from webapp.auth import check_csrf, require_editor
from webapp.errors import error_response
from webapp.urls import ENTITY_PATHS, entity_path

bp = Blueprint("curation", __name__)
FIELD_OF_TYPE = {"person": "persons", "place": "places", "org": "orgs"}
TYPE_OF_FIELD = {v: k for k, v in FIELD_OF_TYPE.items()}


@bp.before_request
def editors_only():
    require_editor()
    if request.method == "POST":
        check_csrf()


def _index():
    index = get_index()
    if index is None:
        abort(error_response(503, "no_index", "L'indice è vuoto: esegui «cerca index».",
                             "No index available."))
    return index


def _edit_from_form() -> Edit:
    form = request.form
    type = form.get("type", "")
    if type not in FIELD_OF_TYPE:
        raise EditRefused("tipo sconosciuto: sono ammessi persona, luogo e organizzazione")
    edit = Edit(op=form.get("op", "")[:20], value=form.get("value", "")[:1000],
                target=form.get("target", "")[:1000], spelling=form.get("spelling", "")[:1000],
                field=FIELD_OF_TYPE[type])
    if edit.op == "merge":
        _must_exist(type, edit.target)
    return edit


def _must_exist(type: str, name: str) -> None:
    """A merge goes into a value the archive has, of the same type."""
    name = " ".join(name.split())
    listed = entities(_index(), type, SearchRequest(page_size=100), name[:100], None)
    if name not in {e.value for e in listed.values}:
        raise EditRefused(f"«{name[:120]}» non è un valore di questo tipo: scegline uno "
                          "dai suggerimenti, o usa «Rinomina» per un nome nuovo")


def _render(fragment: str, status: int = 200, **context):
    """The fragment for htmx (which swaps only 2xx answers, so a refusal is
    a 200 there), a whole page otherwise."""
    if request.headers.get("HX-Request") == "true":
        return render_template(fragment, **context)
    return render_template("curation_page.html", fragment=fragment, **context), status


def _refused(exc: Exception):
    return _render("curation_refused.html", 409 if isinstance(exc, IndexProblem) else 400,
                   message=str(exc))


@bp.post("/modifiche/anteprima")
def preview_edit():
    try:
        edit = _edit_from_form()
        seen = request.form.get("seen", "")
        index = _index()
        if seen and seen != index.version:
            raise EditRefused("l'indice è cambiato da quando hai aperto la pagina: ricaricala "
                              "e controlla prima di riprovare")
        shown = preview(index, edit)
    except (EditRefused, IndexProblem) as exc:
        return _refused(exc)
    return _render("curation_preview.html", edit=edit, preview=shown,
                   type=TYPE_OF_FIELD[edit.field])


@bp.post("/modifiche")
def apply_edit():
    try:
        edit = _edit_from_form()
        done = apply(_index(), edit, require_editor(), request.form.get("seen") or None)
    except (EditRefused, IndexProblem) as exc:
        return _refused(exc)
    type = TYPE_OF_FIELD[done.field]
    if done.op in ("merge", "rename", "split"):
        return redirect(entity_path(type, done.target), 303)
    if done.op == "type":
        return redirect(entity_path(done.target, done.value), 303)
    return redirect("/modifiche", 303)


@bp.get("/modifiche")
def history():
    edits = Store(_index().path).edits()
    undone = {e.undoes: e.id for e in edits if e.undoes is not None}
    return render_template("curation_history.html", edits=list(reversed(edits)), undone=undone,
                           version=_index().version)


@bp.post("/modifiche/<int:edit_id>/annulla")
def undo_edit(edit_id: int):
    try:
        undo(_index(), require_editor(), edit_id, request.form.get("seen") or None)
    except (EditRefused, IndexProblem) as exc:
        return _refused(exc)
    return redirect("/modifiche", 303)


@bp.get("/modifiche/candidati")
def candidates():
    """<option>s for the merge field's list: values of the type."""
    type = request.args.get("type", "")
    if type not in ENTITY_PATHS:
        abort(error_response(400, "invalid_type", "Tipo sconosciuto.", "Unknown type."))
    prefix = request.args.get("target", "")[:100]
    listed = entities(_index(), type, SearchRequest(page_size=20), prefix, None)
    return render_template("curation_candidates.html", values=listed.values)
