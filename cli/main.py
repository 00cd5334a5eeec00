"""The `xlalign` command line: argument parsing and the one error model.

Every sub-command hands its parsed arguments to one handler in this package
(`models`, `align`, `db`, `run`), imported lazily so that `xlalign --help`
stays instant and a command never pays for the imports of another (torch via
argostranslate, Prefect, the embedding model).

Errors: a handler raises `xlalign.errors.UserError` for anything the user can
fix; `main` prints its one sentence, prefixed with the command, and returns
its exit code. Anything else is a bug: one line naming it, and the traceback
only with `--debug`. Exit codes (also in the README):

    0    done
    1    an error: the sentence says what to do
    2    usage: arguments or a URL that cannot work (argparse's own errors too)
    3    `xlalign run`: the run finished, but some inputs failed (listed)
    130  interrupted by Ctrl-C (SIGINT); 143: by SIGTERM
    141  the output was closed early (`xlalign summary | head`): quietly

Prefect's anonymous usage telemetry is switched off for every command
(`DO_NOT_TRACK=1`) unless the user opts in by setting `DO_NOT_TRACK=0`.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable
from datetime import date

from xlalign import cancel
from xlalign.errors import UserError

DEFAULT_DB_ENV = "XLALIGN_DB"
EXIT_FILES_FAILED = 3
EXIT_BROKEN_PIPE = 141


def default_db_url() -> str:
    """`$XLALIGN_DB`, else an SQLite file in the current folder."""
    return os.environ.get(DEFAULT_DB_ENV, "sqlite:///xlalign.sqlite")


def _handler(target: str) -> Callable[[argparse.Namespace], int]:
    """Resolve "module:function" only when the command actually runs."""

    def run(args: argparse.Namespace) -> int:
        module_name, func_name = target.split(":")
        return getattr(importlib.import_module(module_name), func_name)(args) or 0

    return run


def _add_db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help=f"SQLAlchemy URL (default: ${DEFAULT_DB_ENV} or sqlite:///xlalign.sqlite), "
        "e.g. postgresql+psycopg://user@host/dbname",
    )


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


MAX_WORKERS = 32  # = xlalign.flows.process_articles.MAX_WORKERS (the engine's pool has room for them)


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_WORKERS}, not {value}")
    return value


def _telemetry_off() -> None:
    """No anonymous usage data to Prefect unless the user asked for it (DO_NOT_TRACK=0)."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    if os.environ["DO_NOT_TRACK"].strip().lower() not in ("0", "false", "no"):
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlalign",
        description="Offline cross-lingual translation and sentence alignment of news articles.",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="process article files or folders (a local Prefect flow run)")
    p.add_argument("paths", nargs="+", metavar="PATH", help=".txt/.md/.html files or folders")
    _add_db_option(p)
    p.add_argument("--target-lang", default="en", metavar="LANG", help="language to translate into and align with")
    p.add_argument("--method", choices=["hybrid", "mt", "embed"], default="hybrid",
                   help="alignment signal (hybrid falls back to embed when no MT model is installed)")
    p.add_argument("--summary", action="store_true", help="print the database summary afterwards")
    p.add_argument("--workers", type=_workers, default=4, metavar="N",
                   help="files read and stored at once (1-32, default 4); each holds one database connection")
    p.set_defaults(func=_handler("xlalign.cli.run:run_command"))

    p = sub.add_parser("summary", help="print what the database holds")
    _add_db_option(p)
    p.set_defaults(func=_handler("xlalign.cli.run:summary_command"))

    p = sub.add_parser("models", help="list, install, remove or update Argos Translate packages")
    msub = p.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    m = msub.add_parser("list", help="installed packages (and, with --available, the index)")
    m.add_argument("--available", action="store_true", help="also list the Argos index (needs internet)")
    m.set_defaults(func=_handler("xlalign.cli.models:models_list_command"))
    m = msub.add_parser("install", help="install FROM TO from the Argos index, or --file PKG.argosmodel")
    m.add_argument("from_code", nargs="?", metavar="FROM")
    m.add_argument("to_code", nargs="?", metavar="TO")
    m.add_argument("--file", help="a local .argosmodel package (works offline)")
    m.set_defaults(func=_handler("xlalign.cli.models:models_install_command"))
    m = msub.add_parser("remove", help="delete the installed FROM TO package")
    m.add_argument("from_code", metavar="FROM")
    m.add_argument("to_code", metavar="TO")
    m.set_defaults(func=_handler("xlalign.cli.models:models_remove_command"))
    m = msub.add_parser("update", help="install the index's newest version of every installed package (needs internet)")
    m.set_defaults(func=_handler("xlalign.cli.models:models_update_command"))

    p = sub.add_parser("translations", help="bring your own MT: import translations made elsewhere")
    tsub = p.add_subparsers(dest="translations_command", required=True, metavar="ACTION")
    t = tsub.add_parser("import", help="store a TMX or two-column TSV (source<TAB>translation) as MT of model NAME",
                        description="Translations are matched to stored sentences by their source text, stored "
                                    "with NAME as their model, and used by pairing and alignment like Argos output.")
    t.add_argument("file", metavar="FILE", help=".tmx, or .tsv with one source<TAB>translation per line")
    t.add_argument("--model", required=True, metavar="NAME", help="what made them, e.g. deepl-2026-11 or human")
    t.add_argument("--format", choices=["tmx", "tsv"], default=None, help="default: from the file name")
    t.add_argument("--lang", default=None, help="language of the source sentences (default: the TMX header, or any)")
    t.add_argument("--target-lang", default="en", help="language of the translations (default en)")
    _add_db_option(t)
    t.set_defaults(func=_handler("xlalign.cli.translations:import_command"))

    p = sub.add_parser("align", help="align two sentence-per-line files; print the groups (Vecalign format, text or TSV)")
    p.add_argument("src", metavar="SRC")
    p.add_argument("tgt", metavar="TGT")
    p.add_argument("--src-mt", metavar="FILE", help="machine translation of SRC into TGT's language, line by line")
    p.add_argument("--method", choices=["hybrid", "mt", "embed"], default="hybrid")
    p.add_argument("--max-group", type=int, default=None, metavar="N",
                   help="most sentences on one side of a group (default 5: 1-5 and 5-1; groups with two or more "
                        "on both sides stay within 6 sentences in all)")
    p.add_argument("--mode", choices=["parallel", "comparable"], default="parallel",
                   help="parallel: monotone groups covering every sentence (translations); comparable: only "
                        "confident, possibly crossing pairs (rewrites, related coverage)")
    p.add_argument("--src-lang", default=None, metavar="LANG", help="language of SRC, for translating it (default: detected)")
    p.add_argument("--tgt-lang", default=None, metavar="LANG", help="language of TGT (default: detected)")
    p.add_argument("--format", choices=["vecalign", "text", "tsv"], default="vecalign",
                   help="vecalign: [0]:[0]:0.7900 lines, as Vecalign writes and reads them (default); text: each "
                        "group's sentences to read; tsv: one row per group with positions, score and texts")
    p.add_argument("--no-scores", action="store_true", help="omit the scores (plain [0]:[0] lines in vecalign format)")
    p.set_defaults(func=_handler("xlalign.cli.align:align_command"))

    p = sub.add_parser("score", help="strict/lax precision, recall, F1 of alignments against gold")
    p.add_argument("--gold", nargs="+", required=True, metavar="G")
    p.add_argument("--hyp", nargs="+", required=True, metavar="H")
    p.set_defaults(func=_handler("xlalign.cli.align:score_command"))

    p = sub.add_parser("db", help="database maintenance")
    dsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    d = dsub.add_parser("upgrade", help="bring the database to the current schema")
    _add_db_option(d)
    d.set_defaults(func=_handler("xlalign.cli.db:upgrade_command"))
    d = dsub.add_parser("grant-readonly", help="PostgreSQL: a login ROLE that can read the views and nothing else")
    d.add_argument("role", metavar="ROLE")
    d.add_argument("--password", default=None, metavar="PW", help="set (or change) the role's login password (visible in ps: "
                   "prefer --password-stdin)")
    d.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    _add_db_option(d)
    d.set_defaults(func=_handler("xlalign.cli.db:grant_readonly_command"))

    p = sub.add_parser("search", help="full-text search over the parallel text (both sides and the MT)")
    p.add_argument("term", metavar="TERM", help="a word or phrase; a word ending in * is a prefix (трамва*)")
    p.add_argument("--substring", action="store_true",
                   help="match inside words (трамва finds трамвайна, трамваи): trigram search, 3+ characters")
    p.add_argument("--lang", default=None, metavar="LANG", help="only pairs whose source language is this")
    p.add_argument("--source", default=None, metavar="TEXT", help="only pairs where either file's name contains TEXT")
    p.add_argument("--json", action="store_true", help="print the hits as a JSON array of parallel_sentences rows")
    p.add_argument("--limit", type=int, default=20, metavar="N")
    _add_db_option(p)
    p.set_defaults(func=_handler("xlalign.cli.db:search_command"))

    p = sub.add_parser("export", help="export aligned pairs as TMX, XCES (OPUS), Moses, JSONL or TSV")
    p.add_argument("out", metavar="OUT", help="output file, - for standard output (Moses: a prefix, writes OUT.SRC "
                                              "and OUT.TGT; XCES: the alignment file, sentence files beside it)")
    p.add_argument("--format", choices=["tmx", "xces", "moses", "jsonl", "tsv"], required=True)
    p.add_argument("--min-score", type=float, default=None, metavar="X", help="only groups scoring at least this (see README: Scores)")
    p.add_argument("--lang", default=None, metavar="LANG", help="only pairs whose source language is this")
    p.add_argument("--tgt-lang", default=None, metavar="LANG", help="only pairs whose target language is this")
    p.add_argument("--kind", action="append", metavar="A-B", help="only groups of this shape, e.g. 1-1 (repeatable)")
    p.add_argument("--max-group", type=int, default=None, metavar="N", help="only groups of at most N sentences a side")
    p.add_argument("--mode", choices=["parallel", "comparable"], default=None)
    p.add_argument("--method", choices=["hybrid", "mt", "embed"], default=None)
    p.add_argument("--run", type=int, default=None, metavar="ID", help="only alignments made by this run (runs.id)")
    p.add_argument("--since", type=_date, default=None, metavar="YYYY-MM-DD", help="only alignments made on or after")
    p.add_argument("--until", type=_date, default=None, metavar="YYYY-MM-DD", help="only alignments made before")
    _add_db_option(p)
    p.set_defaults(func=_handler("xlalign.cli.db:export_command"))

    p = sub.add_parser("browse", help="open the database in Datasette (read-only, 127.0.0.1): pairs side by side, "
                                      "facets, search, the cookbook, plots")
    _add_db_option(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--snapshot", default=None, metavar="FILE",
                   help="PostgreSQL: where to keep the SQLite snapshot Datasette reads (default: a temporary file)")
    p.set_defaults(func=_handler("xlalign.cli.look:browse_command"))

    p = sub.add_parser("plot", help="PNGs: a document pair's similarity matrix with its alignment, a run's scores")
    p.add_argument("--pair", type=int, default=None, metavar="ID", help="document pair id (pair_summaries.pair_id)")
    p.add_argument("--run-scores", nargs="?", const="latest", default=None, metavar="RUN",
                   help="score distribution per method and mode of run RUN (default: the newest that aligned)")
    p.add_argument("--out", default=".", metavar="DIR", help="folder for the PNG files (default: here)")
    _add_db_option(p)
    p.set_defaults(func=_handler("xlalign.cli.look:plot_command"))

    p = sub.add_parser("show", help="print a document next to its original or translation, group by group")
    p.add_argument("doc", metavar="DOC", help="document id, or its file (the newest version)")
    p.add_argument("--pair", type=int, default=None, metavar="ID", help="which of its pairs (default: the best)")
    p.add_argument("--width", type=int, default=None, metavar="N", help="columns (default: the terminal's, 160 when piped)")
    _add_db_option(p)
    p.set_defaults(func=_handler("xlalign.cli.look:show_command"))

    p = sub.add_parser("deploy", help="create the Prefect work pool if missing and deploy prefect.yaml")
    p.add_argument("--pool", default="xlalign")
    p.set_defaults(func=_handler("xlalign.cli.run:deploy_command"))
    return parser


def _command_name(args: argparse.Namespace) -> str:
    """"xlalign models install" and the like, for the prefix of an error sentence."""
    words = [args.command] + [getattr(args, f"{args.command}_command", None) or ""]
    return " ".join(["xlalign", *[w for w in words if w]])


def _quiet_stdout() -> None:
    """The reader of our output went away (`| head`): send the rest nowhere, without a message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _mask(text: str, args: argparse.Namespace) -> str:
    """`text` with the database password (if any) replaced by ***: it is never printed."""
    url = getattr(args, "db", None)
    secrets = [getattr(args, "password", None)]
    if url and ":" in url and "@" in url:
        from xlalign.db.engine import without_password

        try:
            secrets.append(without_password(url)[1])
        except Exception:  # not a URL: nothing to mask
            pass
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def main(argv: list[str] | None = None) -> int:
    _telemetry_off()
    args = build_parser().parse_args(argv)
    if getattr(args, "db", "absent") is None:
        args.db = default_db_url()
    command = _command_name(args)
    try:
        return int(args.func(args) or 0)
    except cancel.Interrupted as exc:
        summary = getattr(exc, "summary", None) or {}
        stored = (f"; {summary.get('documents', 0)} of {summary.get('files', 0)} files stored, run again to do "
                  "the rest") if summary else ""
        print(f"{command}: interrupted by {cancel.signal_name(exc.signum)}{stored}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except UserError as exc:
        if args.debug:
            traceback.print_exc()
        print(_mask(f"{command}: {exc}", args), file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a path the command was given cannot be written or read
        if args.debug:
            traceback.print_exc()
        if exc.filename is None:
            print(f"{command}: {exc.strerror or exc}; run again with --debug for the traceback", file=sys.stderr)
        elif isinstance(exc, (FileExistsError, NotADirectoryError)) and os.path.isfile(exc.filename):
            print(f"{command}: {exc.filename} is a file, where a folder is needed; check the path", file=sys.stderr)
        else:
            print(f"{command}: {exc.filename}: {exc.strerror or exc}; check the path and its permissions",
                  file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: say so in one line, the traceback only when asked for
        if args.debug:
            traceback.print_exc()
        from xlalign.db.transient import describe_error  # the driver's first line, not SQL and parameters

        message = " ".join(describe_error(exc).split())
        print(_mask(f"{command}: unexpected error ({message}); run again with --debug for the traceback, and "
                    "please report it", args), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
