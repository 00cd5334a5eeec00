"""Builders of the broken article files every batch must survive (made in the test, not shipped)."""
from __future__ import annotations

from pathlib import Path


def write_broken_inputs(folder: Path) -> dict[str, Path]:
    """An empty, a binary, a Latin-1 and a 5 MB single-line file in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "empty": folder / "empty.txt",
        "binary": folder / "binary.txt",
        "latin1": folder / "latin1.txt",
        "huge_line": folder / "huge-line.txt",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(bytes(range(256)) * 64)
    files["latin1"].write_bytes(
        ("Le café de la gare a rouvert ses portes lundi après trois années de travaux à Genève. "
         "Les habitués ont salué la qualité du service et la façade rénovée, déjà très photographiée. "
         "Le propriétaire a précisé que les prix resteraient inchangés jusqu'à la fin de l'été.\n").encode("latin-1"))
    files["huge_line"].write_bytes(b"word " * (5 * 1024 * 1024 // 5))
    return files
