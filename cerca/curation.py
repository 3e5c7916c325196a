"""``cerca corrections`` and ``cerca user``: the editors' store and
accounts of an index, from the terminal (a shell over search.curation)."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from typing import TypeVar

import click
import yaml

from cerca.cli import Failure, _open, cli, index_option
from search import Corrections, Index, IndexProblem
from search.curation import EditRefused, Store, corrections_of, import_corrections, undo
from webapp import accounts

T = TypeVar("T")


def _who() -> str:
    return f"{getpass.getuser()} (terminale)"


@cli.group("corrections")
def corrections_group() -> None:
    """Le correzioni delle faccette salvate accanto all'indice."""


@corrections_group.command("list")
@index_option
def list_command(index_dir: str) -> None:
    """Le modifiche, dalla più recente."""
    edits = _edits(index_dir)
    undone = {e.undoes: e.id for e in edits if e.undoes is not None}
    for edit in reversed(edits):
        state = f" (annullata dalla n. {undone[edit.id]})" if edit.id in undone else ""
        click.echo(f"{edit.id}\t{edit.when}\t{edit.who}\t{edit.describe()}"
                   f"\t{len(edit.articles)} articoli{state}")


@corrections_group.command("export")
@index_option
def export_command(index_dir: str) -> None:
    """Le correzioni in vigore come file YAML (quello di --corrections)."""
    _edits(index_dir)  # a clear error for a missing index or a damaged store
    fixes = corrections_of(Store(index_dir).active())
    click.echo(yaml.safe_dump({"rename": fixes.rename, "suppress": sorted(fixes.suppress),
                               "label": fixes.label}, allow_unicode=True, sort_keys=True),
               nl=False)


@corrections_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@index_option
def import_command(file: str, index_dir: str) -> None:
    """Applica subito un file YAML di correzioni, come una modifica."""
    try:
        fixes = Corrections.load(file)
    except ValueError as exc:
        raise Failure(str(exc)) from None
    done = _on_index(index_dir, lambda index: import_corrections(index, fixes, _who()))
    click.echo(f"{len(done)} correzioni applicate, "
               f"{sum(len(e.articles) for e in done)} articoli riscritti")


@corrections_group.command("undo")
@click.argument("edit_id", required=False, type=int)
@index_option
def undo_command(edit_id: int | None, index_dir: str) -> None:
    """Annulla una modifica (senza ID: l'ultima in vigore)."""
    done = _on_index(index_dir, lambda index: undo(index, _who(), edit_id))
    click.echo(f"annullata la modifica n. {done.undoes} ({done.id}): "
               f"{len(done.articles)} articoli riscritti")


def _on_index(index_dir: str, act: Callable[[Index], T]) -> T:
    """``act`` on the opened index; a refused edit is a one-line failure."""
    index = _open(index_dir)
    try:
        return act(index)
    except (EditRefused, IndexProblem) as exc:
        raise Failure(str(exc)) from None
    finally:
        index.close()


def _edits(index_dir: str) -> list:
    if not os.path.isdir(index_dir):
        raise Failure(f"Nessun indice in {index_dir}.")
    try:
        return Store(index_dir).edits()
    except ValueError as exc:
        raise Failure(str(exc)) from None


@cli.group("user")
def user_group() -> None:
    """Gli account degli editori dell'indice."""


@user_group.command("add")
@click.argument("name")
@index_option
def user_add_command(name: str, index_dir: str) -> None:
    """Crea (o cambia la password di) un editore; la password si legge
    dallo standard input quando non è un terminale."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        accounts.add(index_dir, name, password)
    except ValueError as exc:
        raise Failure(str(exc)) from None
    click.echo(f"editore «{name}» salvato in {accounts.path_of(index_dir)}")
