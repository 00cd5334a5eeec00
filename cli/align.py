"""`xlalign align` and `xlalign score`: thin wrappers around the library.

Expected failures (a missing file, mismatched line counts, a method that
cannot run) raise `UserError`: one sentence on stderr and exit status 1.
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from typing import IO

from xlalign.errors import UserError


def _read_lines(path: str, what: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read().splitlines()
    except FileNotFoundError:
        raise UserError(f"{what} file {path} does not exist") from None
    except IsADirectoryError:
        raise UserError(f"{what} {path} is a folder, not a file") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{what} file {path} is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UserError(f"cannot read {what} file {path}: {exc.strerror}") from None


def detect_language(lines: Sequence[str]) -> str | None:
    """ISO 639-1 code of the text's language (py3langid), None if there is no text."""
    text = " ".join(line for line in lines[:200] if line.strip())
    if not text:
        return None
    try:
        import py3langid
    except ImportError:
        return None
    lang, _ = py3langid.classify(text[:20000])
    return lang


def translate_with_argos(src: list[str], src_lang: str, tgt_lang: str) -> tuple[list[str] | None, str]:
    """MT of `src` with an installed Argos package, or (None, why not).

    The translation modules are imported lazily: `xlalign align` with
    `--src-mt` or `--method embed` never loads torch or CTranslate2.
    """
    try:
        from xlalign.translate.engine import translate_sentences
        from xlalign.translate.packages import find_model
    except Exception as exc:  # not there yet, or argostranslate broken
        return None, f"the translation modules are unavailable ({exc.__class__.__name__}: {exc})"
    model = find_model(src_lang, tgt_lang)
    if model is None:
        return None, f"no Argos package installed for {src_lang}->{tgt_lang}"
    print(f"xlalign: translating {len(src)} source sentences with {model.name} {model.package_version}",
          file=sys.stderr)
    return list(translate_sentences(src, model)), model.name


def align_command(args: argparse.Namespace) -> int:
    from xlalign.align import align_sentences, embeddings

    src = _read_lines(args.src, "source")
    tgt = _read_lines(args.tgt, "target")
    src_mt = None
    if args.src_mt:
        src_mt = _read_lines(args.src_mt, "MT")
        if len(src_mt) != len(src):
            raise UserError(
                f"--src-mt {args.src_mt} has {len(src_mt)} lines but {args.src} has {len(src)}: "
                "they must match line by line"
            )
    elif args.method != "embed":
        src_lang = args.src_lang or detect_language(src)
        tgt_lang = args.tgt_lang or detect_language(tgt)
        if src_lang and tgt_lang and src_lang == tgt_lang:
            src_mt = list(src)  # same language: the source is its own "translation"
            print(f"xlalign: both files are {src_lang}: comparing them directly", file=sys.stderr)
        elif src_lang and tgt_lang:
            src_mt, why = translate_with_argos(src, src_lang, tgt_lang)
            if src_mt is None and args.method == "mt":
                raise UserError(f"method mt needs MT of the source: {why}; give --src-mt FILE")
            if src_mt is None:
                print(f"xlalign: {why}", file=sys.stderr)
        elif args.method == "mt":
            raise UserError("method mt needs MT of the source: give --src-mt FILE")
    if args.method != "mt":
        embeddings.use_default_disk_cache()  # scripts align many files; a sentence is embedded once
    result = align_sentences(src, tgt, src_mt=src_mt, method=args.method, max_group=args.max_group,
                             mode=getattr(args, "mode", None) or "parallel")
    for note in result.notes:
        print(f"xlalign: {note}", file=sys.stderr)
    write_groups(sys.stdout, getattr(args, "format", None) or "vecalign", result.groups, src, tgt, src_mt,
                 scores=not args.no_scores)
    print(f"xlalign: {len(result.groups)} groups, {result.signature}", file=sys.stderr)
    return 0


OUTPUT_FORMATS = ("vecalign", "text", "tsv")
TSV_COLUMNS = ("src_positions", "tgt_positions", "kind", "score", "src_text", "mt_text", "tgt_text")


def write_groups(out: IO[str], fmt: str, groups: Sequence, src: Sequence[str], tgt: Sequence[str],
                 mt: Sequence[str] | None, *, scores: bool = True) -> None:
    """The groups as Vecalign lines, as sentences to read, or as a TSV a spreadsheet opens.

    vecalign: `[0]:[0]:0.7900`, what Vecalign's reader and `xlalign score` take;
    text: each group's position line, then its sentences on both sides (and the MT);
    tsv: one row per group through the csv module (quoted where a field needs it).
    """
    from xlalign.align.vecalign_format import format_group

    def texts(lines: Sequence[str] | None, idx: Sequence[int]) -> str:
        return " ".join(lines[i] for i in idx) if lines is not None else ""

    if fmt == "vecalign":
        for g in groups:
            out.write(format_group(g.src, g.tgt, g.score if scores else None) + "\n")
    elif fmt == "text":
        for g in groups:
            head = format_group(g.src, g.tgt)
            if scores:
                head += f"  {g.kind}  score {'n/a' if g.score is None else f'{g.score:.2f}'}"
            out.write(head + "\n")
            out.write(f"  src: {texts(src, g.src) or '(nothing)'}\n")
            if mt is not None and g.src:
                out.write(f"  mt:  {texts(mt, g.src)}\n")
            out.write(f"  tgt: {texts(tgt, g.tgt) or '(nothing)'}\n\n")
    elif fmt == "tsv":
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        columns = [c for c in TSV_COLUMNS if scores or c != "score"]
        writer.writerow(columns)
        for g in groups:
            row = {"src_positions": list(g.src), "tgt_positions": list(g.tgt), "kind": g.kind,
                   "score": "" if g.score is None else f"{g.score:.4f}", "src_text": texts(src, g.src),
                   "mt_text": texts(mt, g.src), "tgt_text": texts(tgt, g.tgt)}
            writer.writerow([row[c] for c in columns])
    else:
        raise UserError(f"unknown output format {fmt!r}: choose one of {', '.join(OUTPUT_FORMATS)}")


def score_command(args: argparse.Namespace) -> int:
    from xlalign.align.scoring import score_documents
    from xlalign.align.vecalign_format import FormatError, read

    if len(args.gold) != len(args.hyp):
        raise UserError(f"{len(args.gold)} gold files but {len(args.hyp)} hypothesis files; give them in "
                        "matching order")
    try:
        gold = [read(p) for p in args.gold]
        hyp = [read(p) for p in args.hyp]
    except FileNotFoundError as exc:
        raise UserError(f"file {exc.filename} does not exist") from None
    except (FormatError, UnicodeDecodeError, OSError) as exc:
        raise UserError(str(exc)) from None
    s = score_documents(gold, hyp)
    print(f"{'':10} {'strict':>8} {'lax':>8}")
    print(f"{'precision':10} {s.precision_strict:8.4f} {s.precision_lax:8.4f}")
    print(f"{'recall':10} {s.recall_strict:8.4f} {s.recall_lax:8.4f}")
    print(f"{'f1':10} {s.f1_strict:8.4f} {s.f1_lax:8.4f}")
    return 0
