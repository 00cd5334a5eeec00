"""`xlalign models ...`: list and install Argos Translate packages.

Handlers return an exit status: 0 done, 1 an expected failure (offline, a bad
file, no such package) reported on stderr as a sentence, 2 a usage error.
Tracebacks are kept for bugs.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from translate import argos_models
from translate.argos_models import ArgosModelError


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [headers, *rows]]
    return "\n".join(lines)


def _fail(message: str) -> int:
    print(f"xlalign: {message}", file=sys.stderr)
    return 1


def models_list_command(args: argparse.Namespace) -> int:
    """Print installed packages; with --available, also the Argos index."""
    installed = argos_models.list_installed()
    where = argos_models.packages_dir()
    if installed:
        print(f"Installed Argos packages ({where}):")
        print(
            _table(
                ("FROM", "TO", "PACKAGE", "VERSION", "ARGOS", "PATH"),
                [(m.from_code, m.to_code, m.name, m.package_version, m.argos_version, str(m.path)) for m in installed],
            )
        )
    else:
        print(
            f"No Argos packages are installed in {where}. Install one with "
            "`xlalign models install FROM TO` (needs internet) or `xlalign models install --file PATH`."
        )
    if not getattr(args, "available", False):
        return 0
    try:
        available = argos_models.list_available()
    except ArgosModelError as err:
        return _fail(str(err))
    print()
    print(f"Available from the Argos index ({argos_models.index_url()}):")
    installed_versions = {(m.from_code, m.to_code): m.package_version for m in installed}
    rows = []
    for entry in sorted(available, key=lambda e: (e.from_code, e.to_code, e.package_version)):
        have = installed_versions.get((entry.from_code, entry.to_code))
        status = "" if have is None else ("installed" if have == entry.package_version else f"installed {have}")
        rows.append((entry.from_code, entry.to_code, entry.from_name, entry.to_name, entry.package_version, status))
    print(_table(("FROM", "TO", "FROM NAME", "TO NAME", "VERSION", ""), rows))
    return 0


def models_install_command(args: argparse.Namespace) -> int:
    """Install FROM TO from the Argos index, or a local file with --file."""
    file, from_code, to_code = getattr(args, "file", None), args.from_code, args.to_code
    if not file and not (from_code and to_code):
        given = "only FROM was given; " if from_code else ""
        print(
            f"xlalign models install: {given}give FROM and TO language codes to install from the "
            "Argos index (e.g. `xlalign models install bg en`, needs internet), or "
            "--file PATH to install a downloaded .argosmodel file.",
            file=sys.stderr,
        )
        return 2
    try:
        if file:
            if from_code and not to_code:
                print("xlalign models install: with --file, give both FROM and TO (to check the file) or neither.", file=sys.stderr)
                return 2
            expect = (from_code, to_code) if from_code else None
            model = argos_models.install_from_file(file, expect_pair=expect)
        else:
            model = argos_models.install_from_index(from_code, to_code)
    except ArgosModelError as err:
        return _fail(str(err))
    except OSError as err:  # disk full, permissions: still a sentence, not a traceback
        return _fail(f"Could not install the package into {argos_models.packages_dir()}: {err}.")
    print(f"Installed {model.name} {model.package_version} ({model.pair}) into {model.path}.")
    return 0
