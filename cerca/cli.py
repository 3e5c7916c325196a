"""The ``cerca`` command: a thin shell over the search core.

Exit codes: 0 on success, 1 on any error, with one line on stderr.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import click

from search.index import (
    PARALLEL_BATCH,
    PARALLEL_MIN,
    IndexError_,
    IndexReport,
    count_units,
    create_index,
    open_index,
    update_index,
)
from search.models import SearchResult
from search.params import InvalidRequest, parse_request
from search.query.pipeline import search

DEFAULT_INDEX = "index"
DEFAULT_SOURCES = ("seeds",)
index_option = click.option(
    "--index", "index_dir", default=DEFAULT_INDEX, show_default=True, envvar="CERCA_INDEX_DIR",
    type=click.Path(file_okay=False), help="Cartella dell'indice.",
)


class Failure(click.ClickException):
    """An error for the user: one line, exit code 1."""

    exit_code = 1

    def show(self, file: TextIO | None = None) -> None:
        click.echo(f"cerca: errore: {self.format_message()}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cerca")
def cli() -> None:
    """Cerca: motore di ricerca per notizie in italiano."""


# -- index -------------------------------------------------------------------


class Progress:
    """A bar with count, rate and ETA on a terminal; plain lines elsewhere."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.start = time.monotonic()
        self.tty = sys.stderr.isatty()
        self.bar = None
        self.next_line = max(1, total // 10)
        if self.tty and total:
            self.bar = click.progressbar(
                length=total, label="Indicizzazione", file=sys.stderr, show_pos=True,
                show_eta=True, item_show_func=lambda _: self.rate_text(),
            )
            self.bar.__enter__()

    def rate_text(self) -> str:
        elapsed = max(time.monotonic() - self.start, 1e-6)
        return f"{self.done / elapsed:.0f} art/s"

    def __call__(self, n: int) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n, None)
        elif self.done >= self.next_line or self.done == self.total:
            click.echo(f"indicizzati {self.done}/{self.total} ({self.rate_text()})", err=True)
            self.next_line += max(1, self.total // 10)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def print_report(report: IndexReport, index_dir: str, count: int, seconds: float) -> None:
    if not report.changed:
        click.echo(f"Nessuna modifica: l'indice {index_dir} è già aggiornato ({count} articoli).")
    else:
        click.echo(f"Indice {index_dir} aggiornato in {seconds:.1f} s ({count} articoli).")
    click.echo(
        f"  aggiunti: {report.added}, aggiornati: {report.updated}, "
        f"invariati: {report.unchanged}, rimossi: {report.removed}, "
        f"saltati: {len(report.skipped)}"
    )
    for skipped in report.skipped:
        click.echo(f"  saltato {skipped.path}: {skipped.reason}")


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option("--rebuild", is_flag=True, help="Ricrea l'indice da zero.")
@click.option("--no-entities", is_flag=True, help="Senza riconoscimento di entità (più veloce).")
@click.option("--corrections", type=click.Path(dir_okay=False), envvar="CERCA_CORRECTIONS",
              help="File YAML di correzioni delle entità (rename, suppress, label).")
@click.option("--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1,
              show_default="numero di CPU", help="Processi per l'indicizzazione.")
@click.option("--json", "as_json", is_flag=True, help="Riepilogo in JSON.")
def index_command(paths: tuple[str, ...], index_dir: str, rebuild: bool, no_entities: bool,
                  corrections: str | None, jobs: int, as_json: bool) -> None:
    """Indicizza file .txt, .md e .jsonl (predefinito: seeds/)."""
    roots = [Path(p) for p in (paths or DEFAULT_SOURCES)]
    started = time.monotonic()
    enricher = None
    units = count_units(roots)
    jobs = jobs if units >= PARALLEL_MIN else 1
    try:
        index = create_index(index_dir, rebuild=rebuild)
        if not no_entities:
            from search.entities.canonical import Corrections
            from search.entities.ner import EntityEnricher

            enricher = EntityEnricher(index_dir, Corrections.load(corrections), jobs=jobs)
    except (IndexError_, OSError, ValueError) as exc:
        raise Failure(str(exc)) from None
    progress = Progress(units)
    try:
        report = update_index(index, roots, enrich=enricher, progress=progress, jobs=jobs,
                              batch_size=PARALLEL_BATCH if jobs > 1 else 64)
    except IndexError_ as exc:
        raise Failure(str(exc)) from None
    finally:
        progress.close()
        if enricher is not None:
            enricher.close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print_report(report, index_dir, index.doc_count(), time.monotonic() - started)


# -- search ------------------------------------------------------------------


def _open(index_dir: str):
    try:
        return open_index(index_dir)
    except IndexError_ as exc:
        raise Failure(str(exc)) from None


_MARK = re.compile(r"</?mark>")


def terminal_snippet(snippet: str, color: bool) -> str:
    """Snippet HTML for a terminal: marks in bold (or «»), entities decoded."""
    parts = _MARK.split(snippet)
    out = []
    for i, part in enumerate(parts):
        text = html.unescape(part).replace("\n", " ")
        if i % 2:
            text = click.style(text, bold=True, fg="yellow") if color else f"«{text}»"
        out.append(text)
    return "".join(out)


def print_result(result: SearchResult, color: bool) -> None:
    q = f" per «{result.query}»" if result.query else ""
    noun = "risultato" if result.total == 1 else "risultati"
    click.echo(f"{result.total} {noun}{q} (pagina {result.page} di {result.pages})")
    if result.suggestion:
        click.echo(f"Forse cercavi: {result.suggestion}")
    offset = (result.page - 1) * result.page_size
    for n, hit in enumerate(result.hits, offset + 1):
        date = f"{hit.date} (dedotta dal testo)" if hit.date_source == "inferred" else hit.date
        meta = " · ".join(x for x in (date, hit.source) if x)
        click.echo("")
        click.echo(f"{n}. {hit.title}" + (f"  [{meta}]" if meta else ""))
        click.echo(f"   {terminal_snippet(hit.snippet, color)}")
        click.echo(f"   id: {hit.id}")
    labels = {"person": "Persone", "place": "Luoghi", "org": "Organizzazioni", "date": "Data",
              "date_source": "Fonte della data"}
    names = {"given": "indicata", "inferred": "dedotta dal testo", "none": "senza data"}
    for name, values in result.facets.items():
        values = [v for v in values if v.count]
        if values:
            shown = ", ".join(f"{names.get(v.value, v.value) if name == 'date_source' else v.value}"
                              f" ({v.count})" for v in values[:8])
            click.echo(f"\n{labels[name]}: {shown}")


def run_batch(index, source: TextIO, out: TextIO) -> None:
    """One JSON request a line in, one result object a line out."""
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            params = json.loads(line)
            if not isinstance(params, dict):
                raise ValueError
        except ValueError:
            answer: dict[str, Any] = {"line": number, "error": {
                "code": "invalid_json", "message": "riga JSON non valida",
                "message_en": "invalid JSON line"}}
        else:
            try:
                answer = search(index, parse_request(params)).to_dict()
            except InvalidRequest as exc:
                answer = {"line": number, **exc.to_dict()}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()


@cli.command("search")
@click.argument("query", required=False, default="")
@index_option
@click.option("--person", multiple=True, help="Solo articoli che citano questa persona.")
@click.option("--place", multiple=True, help="Solo articoli che citano questo luogo.")
@click.option("--org", multiple=True, help="Solo articoli che citano questa organizzazione.")
@click.option("--not-person", multiple=True, help="Escludi articoli con questa persona.")
@click.option("--not-place", multiple=True, help="Escludi articoli con questo luogo.")
@click.option("--not-org", multiple=True, help="Escludi articoli con questa organizzazione.")
@click.option("--date-from", help="Dal giorno (AAAA-MM-GG).")
@click.option("--date-to", help="Fino al giorno (AAAA-MM-GG).")
@click.option("--date-source", multiple=True,
              help="Solo articoli con data given (indicata), inferred (dedotta dal testo) o none.")
@click.option("--mentioned-from", help="Solo articoli che citano un giorno da questo (AAAA-MM-GG)…")
@click.option("--mentioned-to", help="…fino a questo giorno (AAAA-MM-GG).")
@click.option("--sort", default="relevance", show_default=True, help="relevance o date.")
@click.option("--page", default="1", show_default=True, help="Pagina.")
@click.option("--limit", default="10", show_default=True, help="Risultati per pagina (max 100).")
@click.option("--json", "as_json", is_flag=True, help="Risultato in JSON.")
@click.option("--batch", type=click.File("r", encoding="utf-8"),
              help="File di richieste JSON, una per riga ('-' per stdin).")
def search_command(query: str, index_dir: str, as_json: bool, batch: TextIO | None,
                   **options: Any) -> None:
    """Cerca negli articoli indicizzati."""
    index = _open(index_dir)
    if batch is not None:
        run_batch(index, batch, sys.stdout)
        return
    params = {"q": query, **{k: v for k, v in options.items()}}
    try:
        request = parse_request(params)
    except InvalidRequest as exc:
        raise Failure(str(exc)) from None
    result = search(index, request)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print_result(result, color=sys.stdout.isatty())


# -- stats -------------------------------------------------------------------


@cli.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Statistiche in JSON.")
def stats_command(index_dir: str, as_json: bool) -> None:
    """Numero di articoli, ultimo aggiornamento, campi, spazio su disco."""
    index = _open(index_dir)
    updated = index.last_update()
    stats = {
        "documents": index.doc_count(),
        "last_update": updated.isoformat(timespec="seconds") if updated else None,
        "fields": index.ix.schema.names(),
        "size_bytes": index.size_on_disk(),
        "path": str(index.path),
    }
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False))
        return
    click.echo(f"Indice:        {stats['path']}")
    click.echo(f"Articoli:      {stats['documents']}")
    click.echo(f"Aggiornato:    {stats['last_update'] or 'mai'}")
    click.echo(f"Spazio:        {stats['size_bytes'] / 1_048_576:.1f} MB")
    click.echo(f"Campi:         {', '.join(stats['fields'])}")


@cli.command("extract")
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Un oggetto JSON per file.")
@click.option("--jsonl", "as_jsonl", is_flag=True,
              help="Legge righe JSON {id, text} (da FILE o '-') e scrive entità con offset.")
def extract_command(files: tuple[str, ...], as_json: bool, as_jsonl: bool) -> None:
    """Persone, luoghi, organizzazioni e date di articoli, senza indicizzarli."""
    from search.extract import extract_files, extract_lines

    if as_jsonl:
        extract_lines(files or ("-",), sys.stdout)
    elif files:
        extract_files([Path(f) for f in files], sys.stdout, as_json=as_json)
    else:
        raise Failure("indica almeno un file (o --jsonl con '-' per leggere da stdin)")


@cli.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True, envvar="CERCA_HOST")
@click.option("--port", default=5000, show_default=True, type=int, envvar="CERCA_PORT")
def serve_command(index_dir: str, host: str, port: int) -> None:
    """Pagina di ricerca per uso locale (in produzione: gunicorn, vedi README)."""
    from webapp import create_app  # the web layer is only loaded to serve

    app = create_app({"INDEX_DIR": index_dir})
    click.echo(f"Cerca: http://{host}:{port}/ (indice {index_dir}; Ctrl+C per uscire)", err=True)
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def main() -> None:
    """Entry point: click's own errors also exit 1, with one line."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("cerca: interrotto", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        if isinstance(exc, Failure):
            exc.show()
        else:
            click.echo(f"cerca: errore: {exc.format_message()}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)
