"""What `pip install .` puts on a user's import path: the package `xlalign` and its command, nothing else."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_holds_only_xlalign_and_its_console_script(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(REPO)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("xlalign-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/", 1)[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"xlalign"}
    assert not any(n.startswith(("xlalign/tests/", "xlalign/benchmarks/", "xlalign/scripts/")) for n in names)
    for module in ("xlalign/flows/process_articles.py", "xlalign/db/migrations/versions/0001_baseline.py",
                   "xlalign/db/migrations/script.py.mako", "xlalign/align/api.py", "xlalign/ingest/reading.py",
                   "xlalign/browse/templates/xlalign_pair.html", "xlalign/plots/pair.py",
                   "xlalign/db/migrations/versions/0005_document_metadata.py"):
        assert module in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "xlalign = xlalign.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
