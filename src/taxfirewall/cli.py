"""The ``taxfirewall`` command. Bad data prints its problem list and exits 2, never a traceback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import DataError
from .paths import DEFAULT_INCIDENT, MANIFEST, REPORTS_DIR


def _cmd_validate(args) -> int:
    from . import i18n
    from .data import Incident
    from .prose import check_story
    from .summary import summary_lines
    from .translations import apply, missing_problems
    from .validate import check_incident

    # checked here rather than through load_incident, which drops the warnings
    result = check_incident(args.folder)
    problems, warnings = result.problems, result.warnings
    if not problems and args.lang:  # every reader-facing text must exist in that language
        problems = missing_problems(result.schema, result.frames, args.lang)
    lang = args.lang or i18n.DEFAULT
    with i18n.use(lang):  # that edition's story (story.es.md) and summary
        if not problems:  # the story is checked against the dataset, so only a valid one
            schema, tables = apply(result.schema, result.frames, lang)
            incident = Incident(folder=Path(args.folder).resolve(), schema=schema, tables=tables, lang=lang)
            story = check_story(incident, lang)
            problems, warnings = (story.problems, warnings + story.warnings) if story else ([], warnings)
        if problems:
            print(str(DataError(problems, str(args.folder))), file=sys.stderr)
        else:
            print("valid: " + "\n".join(summary_lines(incident)))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 2 if problems else 0


def _cmd_summary(args) -> int:
    from . import i18n
    from .export import load_edition
    from .output import write_atomic
    from .summary import summary_markdown

    incident = load_edition(args.data, args.lang)  # refused while a text is untranslated
    out = Path(args.out or _summary_path(args.lang))
    with i18n.use(args.lang):
        write_atomic(out, summary_markdown(incident))
    print(f"wrote {out}")
    return 0


def _cmd_codebook(args) -> int:
    from .codebook import update

    changed = update(args.readme, args.data)
    print(f"{'updated' if changed else 'unchanged'}: {args.readme}")
    return 0


def _cmd_export(args) -> int:
    import time

    from .export import export_all

    started = time.perf_counter()
    results = export_all(
        args.data,
        args.out,
        default_theme=args.theme,
        base_url=args.base_url,
        charts=args.chart,
        lang=args.lang,
    )
    for r in results:
        print(f"{r.chart}: {len(r.files)} files in {r.folder}")
    print(f"exported {len(results)} chart(s) in {time.perf_counter() - started:.1f} s")
    return 0


def _cmd_build(args) -> int:
    import importlib.util

    from .build import build
    from .manifest import ManifestError

    if args.scheduler and args.executor != "dask":
        print("error: --scheduler needs --executor dask", file=sys.stderr)
        return 2
    if args.executor == "dask" and importlib.util.find_spec("distributed") is None:
        print("error: --executor dask needs Dask: pip install -e '.[dask]'", file=sys.stderr)
        return 2
    try:
        return build(
            args.manifest,
            args.out,
            jobs=args.jobs,
            only=args.only,
            force=args.force,
            timeout=args.timeout,
            wait=not args.no_wait,
            executor=args.executor,
            scheduler=args.scheduler,
        )
    except ManifestError as exc:
        print(str(exc), file=sys.stderr)
        return 2


def _cmd_readme(args) -> int:
    from . import generated
    from .data import load_incident
    from .story import findings_markdown

    body = generated.fence("findings", "taxfirewall readme", findings_markdown(load_incident(args.data)))
    changed = generated.replace(args.readme, "findings", body)
    print(f"{'updated' if changed else 'unchanged'}: {args.readme}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="taxfirewall", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_validate, _add_summary, _add_export, _add_codebook, _add_readme, _add_build):
        add(sub)
    return parser


def _data_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=str(DEFAULT_INCIDENT), help="incident folder (default: %(default)s)")


def _add_validate(sub) -> None:
    p = sub.add_parser("validate", help="check an incident folder and print a summary")
    p.add_argument(
        "folder", nargs="?", default=str(DEFAULT_INCIDENT), help="incident folder (default: %(default)s)"
    )
    p.add_argument(
        "--lang",
        choices=("es",),
        help="also check that every reader-facing text has a translation into this language",
    )
    p.set_defaults(func=_cmd_validate)


def _lang_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--lang", default="en", choices=["en", "es"], help=f"{what} (default: %(default)s)")


def _summary_path(lang: str) -> Path:
    """reports/data-summary.md, or reports/data-summary.<lang>.md in another language."""
    return REPORTS_DIR / ("data-summary.md" if lang == "en" else f"data-summary.{lang}.md")


def _add_summary(sub) -> None:
    p = sub.add_parser("summary", help="write the data summary page")
    _data_option(p)
    p.add_argument(
        "--out",
        default=None,
        help=f"output file (default: {_summary_path('en')}, or data-summary.<lang>.md beside it)",
    )
    _lang_option(p, "language of the summary; es needs every text of the incident translated")
    p.set_defaults(func=_cmd_summary)


def _add_export(sub) -> None:
    p = sub.add_parser(
        "export",
        help="write every chart as article exports (HTML page, embed, Vega-Lite, SVG, PNG, PDF, alt text, CSV)",
    )
    _data_option(p)
    p.add_argument("--out", default=str(REPORTS_DIR / "charts"), help="output folder (default: %(default)s)")
    p.add_argument(
        "--theme",
        default="light",
        choices=["light", "dark"],
        help="default theme of pages and embeds (both are exported)",
    )
    p.add_argument(
        "--base-url", default="", help="URL prefix of the chart folders in embed snippets (default: relative)"
    )
    p.add_argument("--chart", action="append", help="export only this chart (repeatable)")
    _lang_option(
        p,
        "language of the exports: en writes OUT/<chart>/, es writes OUT/es/<chart>/ beside them "
        "(sharing OUT/_static/) and needs every text of the incident translated",
    )
    p.set_defaults(func=_cmd_export)


def _add_codebook(sub) -> None:
    p = sub.add_parser("codebook", help="regenerate the field tables in data/README.md from datapackage.json")
    _data_option(p)
    p.add_argument(
        "--readme",
        default=str(DEFAULT_INCIDENT.parent / "README.md"),
        help="codebook file (default: %(default)s)",
    )
    p.set_defaults(func=_cmd_codebook)


def _add_readme(sub) -> None:
    p = sub.add_parser("readme", help="regenerate the findings in README.md from the dataset")
    _data_option(p)
    p.add_argument(
        "--readme",
        default=str(REPORTS_DIR.parent / "README.md"),
        help="file to update (default: %(default)s)",
    )
    p.set_defaults(func=_cmd_readme)


def _add_build(sub) -> None:
    p = sub.add_parser("build", help="run the report notebooks in reports.toml and write the HTML reports")
    p.add_argument(
        "--jobs", "-j", type=int, default=None, help="reports built at once (default: one per CPU)"
    )
    p.add_argument("--only", nargs="+", metavar="SLUG", help="build only these reports")
    p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    p.add_argument(
        "--no-wait",
        action="store_true",
        help="when another build holds the output folder, exit 3 at once instead of waiting for it",
    )
    p.add_argument("--manifest", default=str(MANIFEST), help="report list (default: %(default)s)")
    p.add_argument("--out", default=str(REPORTS_DIR), help="output folder (default: %(default)s)")
    p.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="per-report time limit unless reports.toml sets one (default: 600)",
    )
    p.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="run the reports here, or on a Dask cluster (needs taxfirewall[dask]; default: %(default)s)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler, e.g. tcp://HOST:8786 (default: a LocalCluster of --jobs workers, or 2)",
    )
    p.set_defaults(func=_cmd_build)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # unwritable or full output folder, --out naming a file ...
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "interrupted; outputs already written are complete, nothing half-written was kept",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
