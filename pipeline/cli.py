"""The command line: thin over the library, translating `PipelineError` into one clear line."""
from __future__ import annotations

import datetime as dt
import gc
import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from .errors import InputError, PipelineError, RulesError, UsageError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_enable=False,
                  help="Turn raw scraped energy-storage news into clean, structured Parquet.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _date(value: Optional[str]) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--published {value!r}: expected YYYY-MM-DD") from None


@app.command()
def run(inputs: list[Path] = typer.Argument(..., help="Files or folders (.txt .md .html .jsonl .csv .parquet)."),
        out_dir: Path = typer.Option(..., "--out", help="Output folder for the Parquet files."),
        rules: Optional[Path] = typer.Option(None, "--rules", help="Rules folder (default: bundled rules/)."),
        published: Optional[str] = typer.Option(None, "--published", help="Publication date YYYY-MM-DD for inputs that carry none."),
        no_dedup: bool = typer.Option(False, "--no-dedup", help="Every input snippet is its own announcement."),
        workers: int = typer.Option(1, "--workers", min=1, help="Processes for extraction."),
        model: bool = typer.Option(False, "--model", help="Use en_core_web_sm where the rules find no organisation."),
        force: bool = typer.Option(False, "--force", help="Write into a folder that is not an announce output."),
        fresh: bool = typer.Option(False, "--fresh", help="Ignore an earlier run in --out instead of adding to it."),
        against: list[Path] = typer.Option([], "--against", help="Earlier output folder(s) whose announcements new snippets link to."),
        engine: str = typer.Option("serial", "--engine", help="serial, or dask (pip install -e '.[dask]')."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address; default: a LocalCluster of --workers processes."),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON.")):
    """Ingest, deduplicate, extract and write announcements/snippets/rejects Parquet.

    Example: announce run corpus/raw --out out
    """
    from .batch import run as run_batch
    from rich.progress import Progress

    if engine not in ("serial", "dask"):
        raise UsageError(f"--engine {engine!r}: expected serial or dask")
    if engine == "dask":
        from importlib.util import find_spec
        try:
            found = find_spec("dask.distributed") is not None
        except ImportError:  # no dask at all: its submodule cannot be looked for
            found = False
        if not found:
            raise UsageError("--engine dask needs Dask: pip install -e '.[dask]'")

    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("extracting", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=stage)

        summary = run_batch([str(p) for p in inputs], out_dir, rules_dir=rules,
                            published=_date(published), dedup=not no_dedup, workers=workers,
                            force=force, model=model, fresh=fresh, against=against,
                            engine=engine, scheduler=scheduler, progress=progress)
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
        return
    out.print(f"inputs read: {summary.inputs}  snippets: {summary.snippets} "
              f"({summary.new_snippets} new)  announcements: {summary.announcements} "
              f"({summary.new_announcements} new)  rejects: {summary.rejects}  "
              f"furniture: {summary.furniture}  seconds: {summary.seconds:.2f}  -> {summary.out}/",
              highlight=False)


@app.command()
def explain(text: str = typer.Argument(..., help="The text, or - to read stdin."),
            published: Optional[str] = typer.Option(None, "--published", help="Publication date YYYY-MM-DD."),
            rules: Optional[Path] = typer.Option(None, "--rules", help="Rules folder."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
            html_file: Optional[Path] = typer.Option(None, "--html", help="Also write a highlighted HTML page."),
            model: bool = typer.Option(False, "--model", help="Use en_core_web_sm as organisation fallback.")):
    """Every value extracted from one text, with its span and the rule that produced it.

    Example: announce explain "A 500 MW / 2,000 MWh BESS in Tongliao began operation on Dec 5."
    """
    from .explain import to_html, to_json, spans
    from .extraction import build_extractor
    from .rules import load_rules

    if text == "-":
        text = sys.stdin.read()
    x = build_extractor(load_rules(rules), model=model)(text, _date(published))
    if html_file:
        html_file.write_text(to_html(x), encoding="utf-8")
    if as_json:
        out.print_json(json.dumps(to_json(x), default=str))
        return
    out.print(x.text, highlight=False, markup=False)
    t = Table("span", "value", "rule", title="extracted")
    for s in spans(x):
        t.add_row(f"{s['start']}-{s['end']} {x.text[s['start']:s['end']]}", s["label"], s["rule"])
    out.print(t)
    head = x.headline
    out.print(f"headline: power_mw={head.power_mw if head else None} energy_mwh={head.energy_mwh if head else None}"
              f"  countries={list(x.countries)}  technologies={list(x.technologies)}  event={x.event}"
              f"  event_date={x.event_date.value if x.event_date else None}"
              f" ({x.event_date.precision if x.event_date else '-'})", highlight=False, markup=False)
    if x.dropped:
        d = Table("span", "field", "why dropped", "rule", title="considered and dropped")
        for v in x.dropped:
            d.add_row(f"{v.start}-{v.end} {v.text}", v.field, v.reason, v.rule)
        out.print(d)


@app.command("eval")
def eval_(gold: Path = typer.Argument(..., help="Gold JSONL (contract format) or a duplicates file."),
          rules: Optional[Path] = typer.Option(None, "--rules", help="Rules folder."),
          as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
          min_f1: Optional[float] = typer.Option(None, "--min-f1", help="Exit 1 when any field's F1 is below this."),
          show: int = typer.Option(10, "--show", help="Misses and false hits to list per field."),
          model: bool = typer.Option(False, "--model", help="Use en_core_web_sm as organisation fallback.")):
    """Precision, recall and F1 per field against a gold file, with misses and false hits.

    Example: announce eval corpus/gold/capacities.jsonl --min-f1 0.9
    """
    from .evaluate import evaluate
    from .extraction import build_extractor
    from .rules import load_rules

    report = evaluate(gold, build_extractor(load_rules(rules), model=model))
    if as_json:
        out.print_json(json.dumps(report.as_dict(), default=str))
    else:
        t = Table("field", "precision", "recall", "F1", "support", "accuracy",
                  title=f"{gold} ({report.cases} cases)")
        for name, s in report.fields.items():
            if not (s.support or s.fp or s.extra):
                continue
            acc = " ".join(f"{k}={v[0] / v[1]:.3f}" for k, v in s.extra.items() if v[1])
            t.add_row(name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support), acc)
        out.print(t)
        for name, s in report.fields.items():
            for kind, items in (("miss", s.misses), ("false hit", s.false_hits)):
                for item in items[:show]:
                    out.print(f"[{name}] {kind}: {json.dumps(item, default=str)[:400]}", markup=False,
                              highlight=False)
    if min_f1 is not None and report.below(min_f1):
        err.print(f"F1 below {min_f1}: {', '.join(report.below(min_f1))}")
        raise typer.Exit(1)


@app.command()
def inspect(path: Path = typer.Argument(..., help="An output folder or one Parquet file."),
            sql: Optional[str] = typer.Option(None, "--sql", help="A DuckDB query over tables announcements, snippets, rejects."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts.")):
    """Schema, row counts, fill rates, top values, capacity totals, sample rows, run metadata.

    Example: announce inspect out --sql "SELECT event, count(*) FROM announcements GROUP BY 1"
    """
    from .inspection import inspect_output, query

    if sql:
        cols, rows = query(path, sql)
        if as_json:
            out.print_json(json.dumps([dict(zip(cols, r)) for r in rows], default=str))
            return
        t = Table(*cols)
        for r in rows:
            t.add_row(*[str(v) for v in r])
        out.print(t)
        return
    info = inspect_output(path)
    if as_json:
        out.print_json(json.dumps(info, default=str))
        return
    from .inspection import render
    render(info, out)


@app.command()
def diff(old: Path = typer.Argument(..., help="Earlier output folder."),
         new: Path = typer.Argument(..., help="Later output folder."),
         as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
         show: int = typer.Option(20, "--show", help="Changed rows to list.")):
    """What changed between two runs, row by row and field by field.

    Example: announce diff out-before out-after
    """
    from .diff import diff_outputs, render

    result = diff_outputs(old, new)
    if as_json:
        out.print_json(json.dumps(result, default=str))
        return
    render(result, out, show)


@app.command()
def report(path: Path = typer.Argument(..., help="An output folder."),
           html_file: Path = typer.Option(..., "--html", help="Where to write the HTML page."),
           eval_json: Optional[Path] = typer.Option(None, "--eval", help="JSON from `announce eval --json` to include.")):
    """One self-contained HTML page: summary, charts, largest projects, quality figures.

    Example: announce report out --html out/report.html
    """
    from .report import write_report

    write_report(path, html_file, eval_json)
    out.print(f"wrote {html_file}")


def main() -> None:
    try:
        app(standalone_mode=False)
        # the process ends here: frozen, what the command built is not walked once more by
        # the collection Python makes at exit (0.1 s after a 5k run)
        gc.freeze()
    except PipelineError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2 if isinstance(exc, (UsageError, RulesError, InputError)) else 1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click
        if isinstance(exc, click.exceptions.UsageError):
            err.print(f"error: {exc.format_message()}", markup=False, highlight=False)
            sys.exit(2)
        if isinstance(exc, click.exceptions.ClickException):
            err.print(f"error: {exc.format_message()}", markup=False, highlight=False)
            sys.exit(exc.exit_code)
        raise
