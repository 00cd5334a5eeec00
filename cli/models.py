"""`xlalign models ...`: list and install Argos Translate packages.

Expected failures (offline, a bad file, no such package) are
`ArgosModelError`s, a kind of `UserError`: one sentence, exit status 1; a
usage error is a `UsageError` (2).
"""
from __future__ import annotations

import argparse
from collections.abc import Sequence

from xlalign.errors import UsageError, UserError
from xlalign.translate import packages as argos_models


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [headers, *rows]]
    return "\n".join(lines)


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
    available = argos_models.list_available()
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
        raise UsageError(f"{given}give FROM and TO language codes to install from the Argos index (e.g. "
                         "`xlalign models install bg en`, needs internet), or --file PATH to install a downloaded "
                         ".argosmodel file.")
    if file and from_code and not to_code:
        raise UsageError("with --file, give both FROM and TO (to check the file) or neither.")
    try:
        if file:
            expect = (from_code, to_code) if from_code else None
            model = argos_models.install_from_file(file, expect_pair=expect)
        else:
            model = argos_models.install_from_index(from_code, to_code)
    except OSError as err:  # disk full, permissions: still a sentence, not a traceback
        raise UserError(f"Could not install the package into {argos_models.packages_dir()}: {err}.") from None
    print(f"Installed {model.name} {model.package_version} ({model.pair}) into {model.path}.")
    return 0


def models_remove_command(args: argparse.Namespace) -> int:
    """Delete the installed package for FROM TO; its documents are then aligned with embeddings only."""
    try:
        removed = argos_models.remove_installed(args.from_code, args.to_code)
    except OSError as err:
        raise UserError(f"Could not remove the package from {argos_models.packages_dir()}: {err}.") from None
    for model in removed:
        print(f"Removed {model.name} {model.package_version} ({model.pair}) from {model.path}.")
    return 0


def models_update_command(args: argparse.Namespace) -> int:
    """Replace each installed package by the index's newest version (needs internet)."""
    try:
        results = argos_models.update_installed()
    except OSError as err:
        raise UserError(f"Could not update the packages in {argos_models.packages_dir()}: {err}.") from None
    if not results:
        print("No Argos packages are installed, so there is nothing to update; `xlalign models install FROM TO` "
              "installs one.")
    for old, new in results:
        if new is None:
            print(f"{old.name} {old.package_version} ({old.pair}) is the newest the index offers.")
        else:
            print(f"Updated {old.name} {old.package_version} -> {new.package_version} ({old.pair}); alignments "
                  "made with the old model keep its name in their signature.")
    return 0
