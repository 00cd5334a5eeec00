"""`xlalign translations import`: MT made elsewhere, stored as translations of its own model."""
from __future__ import annotations

import argparse
import sys

from xlalign.errors import UserError


def import_command(args: argparse.Namespace) -> int:
    from xlalign.db.engine import describe, get_engine
    from xlalign.stages.imports import import_translations
    from xlalign.translate.imported import read_translation_file

    file = read_translation_file(args.file, fmt=args.format, src_lang=args.lang, tgt_lang=args.target_lang)
    outcome = import_translations(get_engine(args.db), file, model=args.model, target_lang=args.target_lang,
                                  lang=args.lang)
    if not outcome.matched:
        raise UserError(f"none of the {outcome.pairs} translations in {args.file} has a source sentence stored in "
                        f"{describe(args.db)}: store the documents first (`xlalign run PATH`), and check the source "
                        "language (--lang) and that the file's source column is the original text")
    print(f"{outcome.added} translations by {args.model} stored for {outcome.sentences} sentences "
          f"({outcome.matched} of {outcome.pairs} lines matched"
          + (f"; {outcome.kept} sentences already had one by this model and kept it" if outcome.kept else "") + ").")
    if outcome.unknown:
        print(f"{len(outcome.unknown)} lines match no stored sentence and were not used:", file=sys.stderr)
        for line in outcome.unknown[:10]:
            print(f"  {line}", file=sys.stderr)
        if len(outcome.unknown) > 10:
            print(f"  ... and {len(outcome.unknown) - 10} more", file=sys.stderr)
    if outcome.conflicts:
        print(f"{len(outcome.conflicts)} lines translate a sentence already translated differently above them; "
              "the first translation was kept:", file=sys.stderr)
        for line in outcome.conflicts[:10]:
            print(f"  {line}", file=sys.stderr)
    if outcome.partial:
        print(f"{len(outcome.partial)} documents are now only partly translated by {args.model}; their MT is used "
              "once every sentence has one:", file=sys.stderr)
        for line in outcome.partial[:10]:
            print(f"  {line}", file=sys.stderr)
    print("The next `xlalign run` aligns these documents again with this MT (a new alignment, signature "
          f"naming mtmodel:{args.model}).")
    return 0
