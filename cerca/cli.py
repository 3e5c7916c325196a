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
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TextIO

import click

from cerca.progress import Progress
from search import (
    FACET_LABELS,
    HIDDEN,
    UNSUPPORTED,
    Corrections,
    EntityResult,
    Ignored,
    IndexProblem,
    IndexReport,
    InvalidRequest,
    SearchResult,
    Skipped,
    check_keys,
    count_units,
    display,
    entity,
    extract_files,
    extract_records,
    index_paths,
    open_index,
    parse_request,
    restore_snapshot,
    search,
    take_snapshot,
    verify_snapshot,
)

DEFAULT_INDEX = "index"
DEFAULT_SOURCES = ("seeds",)
FACET_SHOWN = 8
index_option = click.option(
    "--index", "index_dir", default=DEFAULT_INDEX, show_default=True, envvar="CERCA_INDEX_DIR",
    type=click.Path(file_okay=False), help="Cartella dell'indice.",
)


class Failure(click.ClickException):
    """An error for the user: one line, exit code 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"cerca: errore: {self.format_message()}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cerca")
def cli() -> None:
    """Cerca: motore di ricerca per notizie in italiano."""


# -- index -------------------------------------------------------------------


def in_folder(index_dir: str) -> str:
    """"l'indice in index/": the folder as a path, not a name in a sentence."""
    return f"l'indice in {index_dir.rstrip('/') or '/'}/"


def print_report(report: IndexReport, index_dir: str, seconds: float) -> None:
    count, where = report.documents, in_folder(index_dir)
    if report.changed:
        click.echo(f"Aggiornato {where}: {count} articoli, in {seconds:.1f} s.")
    elif report.unchanged:
        click.echo(f"Nessuna modifica: {where} è già aggiornato ({count} articoli).")
    elif report.skipped:
        click.echo(f"Nessun articolo indicizzato: nessun input contiene un articolo leggibile, "
                   f"vedi sotto ({where} ha {count} articoli).")
    else:
        click.echo(f"Nessun articolo indicizzato: nessun file da leggere "
                   f"({where} ha {count} articoli).")
    click.echo(
        f"  aggiunti: {report.added}, aggiornati: {report.updated}, "
        f"invariati: {report.unchanged}, rimossi: {report.removed}, "
        f"saltati: {len(report.skipped)}"
    )
    for skipped in report.skipped:
        click.echo(f"  saltato {display(skipped.path)}: {skipped.reason}")
    for note in report.notes:
        click.echo(f"  nota {display(note.path)}: {note.reason}")
    for line in ignored_lines(report.ignored):
        click.echo(f"  {line}")


def ignored_lines(ignored: list[Ignored]) -> list[str]:
    """What a run left out, grouped: other formats by extension, hidden
    entries once, a web archive's records by reason."""
    by_suffix = Counter(Path(i.path).suffix.lower() or "senza estensione"
                        for i in ignored if i.reason == UNSUPPORTED)
    hidden = [Path(i.path).name for i in ignored if i.reason == HIDDEN]
    lines = []
    if by_suffix:
        counts = ", ".join(f"{n} {ext}" for ext, n in
                           sorted(by_suffix.items(), key=lambda pair: (-pair[1], pair[0])))
        lines.append(f"{UNSUPPORTED} (ignorati): {counts}")
    if hidden:
        shown = ", ".join(sorted(set(hidden))[:5]) + (", …" if len(set(hidden)) > 5 else "")
        lines.append(f"file e cartelle nascosti (ignorati): {len(hidden)} ({shown})")
    others: dict[str, list[str]] = {}
    for item in ignored:
        if item.reason not in (UNSUPPORTED, HIDDEN):
            others.setdefault(display(item.path), []).append(f"{item.reason} ({item.count})")
    lines += [f"ignorati in {path}: {', '.join(parts)}" for path, parts in others.items()]
    return lines


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option("--rebuild", is_flag=True, help="Ricrea l'indice da zero.")
@click.option("--no-entities", is_flag=True, help="Senza riconoscimento di entità (più veloce).")
@click.option("--corrections", type=click.Path(dir_okay=False), envvar="CERCA_CORRECTIONS",
              help="File YAML di correzioni delle entità (rename, suppress, label).")
@click.option("--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1,
              show_default="numero di CPU", help="Processi per l'indicizzazione.")
@click.option("--cluster", metavar="tcp://HOST:PORTA|local:N", envvar="CERCA_CLUSTER",
              help="Estrazione e entità su un cluster Dask (il suo scheduler), "
                   "o su N worker avviati qui.")
@click.option("--json", "as_json", is_flag=True, help="Riepilogo in JSON.")
def index_command(paths: tuple[str, ...], index_dir: str, rebuild: bool, no_entities: bool,
                  corrections: str | None, jobs: int, cluster: str | None,
                  as_json: bool) -> None:
    """Indicizza file .txt, .md, .jsonl, pagine .html/.htm e archivi .warc[.gz]
    (predefinito: seeds/)."""
    roots = [Path(p) for p in (paths or DEFAULT_SOURCES)]
    started = time.monotonic()
    progress = Progress(count_units(roots))
    try:
        report = index_paths(index_dir, roots, entities=not no_entities,
                             corrections=corrections, jobs=jobs, rebuild=rebuild,
                             progress=progress, cluster=cluster, notify=progress.note)
    except (IndexProblem, OSError, ValueError) as exc:
        raise Failure(str(exc)) from None
    finally:
        progress.close()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print_report(report, index_dir, time.monotonic() - started)


# -- search ------------------------------------------------------------------


def _open(index_dir: str):
    try:
        return open_index(index_dir)
    except IndexProblem as exc:
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
    grouped = ""
    if result.results != result.total:
        grouped = f", {result.results} " + ("notizie" if result.request.collapse == "story"
                                             else "testi")
    others = ""
    if result.others:
        verb = "contiene" if result.others == 1 else "contengono"
        others = f"; altri {result.others} {verb} solo alcune parole"
    click.echo(f"{result.total} {noun}{q}{grouped}{others}"
               f" (pagina {result.page} di {result.pages})")
    for notice in result.notices:  # what was changed to keep the search bounded
        click.echo(f"Avviso: {notice}")
    if result.suggestion:
        click.echo(f"Forse cercavi: {result.suggestion}")
    offset = (result.page - 1) * result.page_size
    for n, hit in enumerate(result.hits, offset + 1):
        if hit.words == "some" and (n == offset + 1 or result.hits[n - offset - 2].words == "all"):
            click.echo("\n--- Contengono solo alcune parole ---")
        date = f"{hit.date} (dedotta dal testo)" if hit.date_source == "inferred" else hit.date
        meta = " · ".join(x for x in (date, hit.source, hit.author) if x)
        click.echo("")
        click.echo(f"{n}. {hit.title}" + (f"  [{meta}]" if meta else ""))
        click.echo(f"   {terminal_snippet(hit.snippet, color)}")
        click.echo(f"   id: {hit.id}")
        hidden = {"story": hit.copies + hit.related, "copies": hit.copies}.get(
            result.request.collapse, [])
        if hidden:
            copies = sum(m.relation == "copy" for m in hidden)
            parts = [f"altre {copies} versioni" if copies != 1 else "1 altra versione"] \
                if copies else []
            if len(hidden) - copies:
                parts.append(f"{len(hidden) - copies} sullo stesso fatto")
            click.echo(f"   {', '.join(parts)}: {', '.join(m.id for m in hidden)}")
    labels = {**FACET_LABELS, "date": "Data", "date_source": "Fonte della data"}
    names = {"given": "indicata", "inferred": "dedotta dal testo", "none": "senza data"}
    for name, values in result.facets.items():
        values = [v for v in values if v.count]
        # Every period (the latest years and "senza data" come last); the
        # first values of the other facets, saying how many are left.
        shown = values if name == "date" else values[:FACET_SHOWN]
        if shown:
            text = ", ".join(f"{names.get(v.value, v.value) if name == 'date_source' else v.value}"
                             f" ({v.count})" for v in shown)
            left = len(values) - len(shown)
            click.echo(f"\n{labels[name]}: {text}" + (f" e altri {left}" if left else ""))


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
                check_keys(params)  # as the API: a typo must not search everything
                answer = search(index, parse_request(params)).to_dict()
            except InvalidRequest as exc:
                answer = {"line": number, **exc.to_dict()}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()


def filter_options(command):
    """The search filters, shared by ``search`` and ``entity``."""
    for option in reversed(FILTER_OPTIONS):
        command = option(command)
    return command


FILTER_OPTIONS = [
    click.option("--person", multiple=True, help="Solo articoli che citano questa persona."),
    click.option("--place", multiple=True, help="Solo articoli che citano questo luogo."),
    click.option("--org", multiple=True, help="Solo articoli che citano questa organizzazione."),
    click.option("--not-person", multiple=True, help="Escludi articoli con questa persona."),
    click.option("--not-place", multiple=True, help="Escludi articoli con questo luogo."),
    click.option("--not-org", multiple=True, help="Escludi articoli con questa organizzazione."),
    click.option("--author", multiple=True, help="Solo articoli con questa firma."),
    click.option("--not-author", multiple=True, help="Escludi articoli con questa firma."),
    click.option("--date-from", help="Dal giorno (AAAA-MM-GG)."),
    click.option("--date-to", help="Fino al giorno (AAAA-MM-GG)."),
    click.option("--date-source", multiple=True,
                 help="Solo articoli con data given (indicata), inferred (dedotta dal testo) "
                      "o none."),
    click.option("--mentioned-from",
                 help="Solo articoli che citano un giorno da questo (AAAA-MM-GG)…"),
    click.option("--mentioned-to", help="…fino a questo giorno (AAAA-MM-GG)."),
]


@cli.command("search")
@click.argument("query", required=False, default="")
@index_option
@filter_options
@click.option("--sort", default="relevance", show_default=True, help="relevance o date.")
@click.option("--collapse", default="story", show_default=True,
              help="story (una per notizia), copies (unisce le copie) o none (tutti gli articoli).")
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
    try:
        result = search(index, request)
    except InvalidRequest as exc:  # QueryTooCostly
        raise Failure(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print_result(result, color=sys.stdout.isatty())


@cli.command("entity")
@click.argument("type", type=click.Choice(["person", "place", "org"]))
@click.argument("name")
@index_option
@click.option("--query", "q", default="", help="Solo gli articoli che rispondono a questa ricerca.")
@filter_options
@click.option("--page", default="1", show_default=True, help="Pagina degli articoli.")
@click.option("--limit", default="10", show_default=True, help="Articoli per pagina (max 100).")
@click.option("--json", "as_json", is_flag=True, help="Risultato in JSON.")
def entity_command(type: str, name: str, index_dir: str, as_json: bool, **options: Any) -> None:
    """La scheda di una persona, un luogo o un'organizzazione."""
    index = _open(index_dir)
    try:
        result = entity(index, type, name, parse_request(options))
    except InvalidRequest as exc:
        raise Failure(str(exc)) from None
    if result is None:
        raise Failure(f"«{name}» non è nell'archivio ({type}).")
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print_entity(result)


def print_entity(result: EntityResult) -> None:
    noun = "articolo" if result.count == 1 else "articoli"
    span = f", dal {result.first} al {result.last}" if result.first else ""
    click.echo(f"{result.name}: {result.count} {noun}{span}"
               + (f" ({result.undated} senza data)" if result.undated else ""))
    if result.timeline:
        click.echo("Nel tempo: " + ", ".join(f"{p.period} ({p.count})" for p in result.timeline
                                            if p.count))
    labels = {"person": "Persone", "place": "Luoghi", "org": "Organizzazioni"}
    for type, companions in result.company.items():
        if companions:
            click.echo(f"{labels[type]}: " + ", ".join(f"{c.value} ({c.count})"
                                                      for c in companions[:10]))
    for hit in result.hits:
        click.echo(f"  {hit.date or 'senza data'}  {hit.title or hit.id}  [{hit.id}]")


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


@cli.command("snapshot")
@click.argument("dest", type=click.Path(file_okay=False))
@index_option
@click.option("--verify", is_flag=True,
              help="Non copia: verifica la copia DEST (checksum, generazione, articoli).")
@click.option("--json", "as_json", is_flag=True, help="Riepilogo in JSON.")
def snapshot_command(dest: str, index_dir: str, verify: bool, as_json: bool) -> None:
    """Copia coerente dell'indice in DEST, anche durante un'indicizzazione."""
    try:
        if verify:
            manifest = verify_snapshot(dest)
        else:
            snap = take_snapshot(index_dir, dest)
    except (IndexProblem, OSError) as exc:
        raise Failure(str(exc)) from None
    if verify:
        if as_json:
            click.echo(json.dumps({"path": dest, "generation": manifest["generation"],
                                   "documents": manifest["documents"],
                                   "files": len(manifest["files"]), "verified": True}))
        else:
            click.echo(f"Copia {dest} verificata: {manifest['documents']} articoli, "
                       f"generazione {manifest['generation']}, {len(manifest['files'])} file.")
        return
    if as_json:
        click.echo(json.dumps({"path": str(snap.path), "generation": snap.generation,
                               "documents": snap.documents, "files": snap.files,
                               "bytes": snap.bytes, "hard_links": snap.linked}))
        return
    how = "collegamenti fisici" if snap.linked else "file copiati"
    click.echo(f"Copia di {index_dir} in {dest}: {snap.documents} articoli, "
               f"generazione {snap.generation}, {snap.files} file ({how}), "
               f"{snap.bytes / 1_048_576:.1f} MB; manifest in {dest}/manifest.json")


@cli.command("restore")
@click.argument("snapshot", type=click.Path(file_okay=False, exists=True))
@index_option
def restore_command(snapshot: str, index_dir: str) -> None:
    """Rimette in servizio una copia fatta con «cerca snapshot» (verificata)."""
    try:
        generation = restore_snapshot(snapshot, index_dir)
    except (IndexProblem, OSError) as exc:
        raise Failure(str(exc)) from None
    click.echo(f"Ripristinato {in_folder(index_dir)} da {snapshot} (generazione {generation}).")


@cli.command("extract")
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Un oggetto JSON per file.")
@click.option("--jsonl", "as_jsonl", is_flag=True,
              help="Legge righe JSON {id, text} (da FILE o '-') e scrive entità con offset.")
@click.option("--corrections", type=click.Path(dir_okay=False), envvar="CERCA_CORRECTIONS",
              help="File YAML di correzioni delle entità, come per «cerca index».")
def extract_command(files: tuple[str, ...], as_json: bool, as_jsonl: bool,
                    corrections: str | None) -> None:
    """Persone, luoghi, organizzazioni e date di articoli, senza indicizzarli."""
    if not as_jsonl and not files:
        raise Failure("indica almeno un file (o --jsonl con '-' per leggere da stdin)")
    try:
        fixes = Corrections.load(corrections)
    except ValueError as exc:
        raise Failure(str(exc)) from None
    if as_jsonl:
        for answer in extract_records(_json_lines(files or ("-",)), fixes):
            click.echo(json.dumps(answer, ensure_ascii=False))
        return
    for record in extract_files([Path(f) for f in files], fixes):
        if isinstance(record, Skipped):
            click.echo(f"cerca: saltato {display(record.path)}: {record.reason}", err=True)
        elif isinstance(record, Ignored):
            click.echo(f"cerca: {display(record.path)}: ignorati {record.count} "
                       f"({record.reason})", err=True)
        elif as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(f"{record['id']}: {record['title']}")
            for key in ("date", "persons", "places", "orgs"):
                click.echo(f"  {key}: {record[key]}")


def _decoded(handle: IO[Any], source: str) -> Iterator[str]:
    try:
        yield from handle
    except UnicodeDecodeError:
        raise Failure(f"{source}: il testo non è UTF-8") from None


def _json_lines(sources: tuple[str, ...]) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """(line number, record) of JSON lines files ('-' is stdin); None for a
    line that is not a JSON object."""
    number = 0
    for source in sources:
        try:
            handle = click.open_file(source, encoding="utf-8")
        except OSError as exc:
            raise Failure(f"{source}: {exc.strerror}") from None
        with handle:
            for line in _decoded(handle, source):
                number += 1
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None
                yield number, record if isinstance(record, dict) else None


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


# The editors' commands register themselves on ``cli``.
from cerca import curation as _curation  # noqa: E402, F401


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


if __name__ == "__main__":  # python -m cerca.cli, e.g. under cProfile
    main()
