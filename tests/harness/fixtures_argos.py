"""A tiny real Argos bg→en package, installed into an Argos home of its own.

argostranslate reads its settings (packages folder, XDG data/cache/config
folders, sentence splitter, index URL) once, when `argostranslate.settings` is
first imported, and creates those folders. conftest.py imports this module
while pytest collects, before any test module can import argostranslate, so
the environment is pointed at a temporary Argos home here, at import time:
the user's ~/.local/share/argos-translate is never read or written, and the
index URL is a closed loopback port so no test can reach the internet by
accident. Tests that need other folders monkeypatch `argostranslate.settings`
(see `isolated_argos_packages`).

argostranslate splits sentences itself; offline that needs a splitter inside
the package, so the package carries a blank spaCy pipeline and
ARGOS_CHUNK_TYPE=SPACY selects it. The empty `senter/model` file in the cache
stops argostranslate from trying to download spaCy's `xx_sent_ud_sm` when
`argostranslate.sbd` is imported.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from harness.argos_package_builder import BASE, TINY, ModelShape, build_argos_package, write_zip

__all__ = [
    "ARGOS_HOME",
    "BASE",
    "TINY",
    "ModelShape",
    "build_argos_package",
    "write_zip",
    "argos_home",
    "argos_package_file",
    "argos_bg_en_model",
    "isolated_argos_packages",
]

# Settings argostranslate (and xlalign's engine) would otherwise take from the
# developer's shell and that change what a test sees.
_CLEARED = (
    "ARGOS_TRANSLATE_PACKAGE_DIR",
    "ARGOS_COMPUTE_TYPE",
    "ARGOS_BEAM_SIZE",
    "ARGOS_BATCH_SIZE",
    "ARGOS_INTER_THREADS",
    "ARGOS_INTRA_THREADS",
    "ARGOS_DEBUG",
    "ARGOS_DEV_MODE",
    "ARGOS_MODEL_PROVIDER",
    "SNAP",
)


def _isolate_argos() -> Path:
    if "argostranslate.settings" in sys.modules:
        raise RuntimeError(
            "argostranslate was imported before tests/fixtures_argos.py could isolate it; "
            "its settings now point at the real Argos home. Import argostranslate inside tests, "
            "not at the top of conftest or plugins."
        )
    home = Path(tempfile.mkdtemp(prefix="xlalign-argos-home-"))
    atexit.register(shutil.rmtree, home, True)
    for name in _CLEARED:
        os.environ.pop(name, None)
    for name in [n for n in os.environ if n.startswith("XLALIGN_CT2_")]:
        os.environ.pop(name)
    os.environ.update(
        {
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "ARGOS_PACKAGES_DIR": str(home / "data" / "argos-translate" / "packages"),
            "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/",  # discard port: refused, never the internet
            "ARGOS_CHUNK_TYPE": "SPACY",
            "ARGOS_DEVICE_TYPE": "cpu",
        }
    )
    senter = home / "cache" / "argos-translate" / "spacy" / "senter"
    senter.mkdir(parents=True)
    (senter / "model").touch()
    return home


ARGOS_HOME = _isolate_argos()


@pytest.fixture(scope="session")
def argos_home() -> Path:
    """The temporary folder standing in for the user's Argos data, cache and config."""
    return ARGOS_HOME


@pytest.fixture(scope="session")
def argos_package_file(tmp_path_factory) -> Path:
    """A tiny random-weight bg→en `.argosmodel` (built once per session, ~1 s)."""
    return build_argos_package(tmp_path_factory.mktemp("argos-package"), shape=TINY)


@pytest.fixture(scope="session")
def argos_bg_en_model(argos_package_file):
    """The tiny bg→en package installed with `install_from_file` (a ModelInfo)."""
    from xlalign.translate.packages import install_from_file

    return install_from_file(argos_package_file)


@pytest.fixture
def isolated_argos_packages(tmp_path, monkeypatch):
    """Point argostranslate at empty packages/downloads folders for one test.

    For tests that install or replace packages without disturbing the session
    package that other tests translate with. Returns the packages folder.
    """
    from argostranslate import settings

    packages = tmp_path / "argos-packages"
    packages.mkdir()
    monkeypatch.setattr(settings, "package_data_dir", packages)
    monkeypatch.setattr(settings, "package_dirs", [packages])
    monkeypatch.setattr(settings, "downloads_dir", tmp_path / "argos-downloads")
    monkeypatch.setattr(settings, "local_package_index", tmp_path / "argos-index.json")
    yield packages
    # argostranslate caches the languages it found; make it look again once
    # the session's packages folder is back.
    translate = sys.modules.get("argostranslate.translate")
    if translate is not None:
        translate.get_installed_languages.cache_clear()
