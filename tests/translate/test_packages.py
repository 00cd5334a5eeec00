"""xlalign.translate.packages and `xlalign models`: real files, a real loopback HTTP server."""
from __future__ import annotations

import functools
import http.server
import json
import os
import socket
import threading
from pathlib import Path

import pytest

from xlalign.cli.main import main
from xlalign.translate.packages import (
    IndexUnreachableError,
    ModelInfo,
    PackageFileError,
    PackageNotFoundError,
    find_model,
    install_from_file,
    install_from_index,
    list_available,
    list_installed,
    require_model,
)

# --------------------------------------------------------------------------- isolation


def test_argos_home_is_isolated(argos_home):
    from argostranslate import settings

    assert Path(settings.package_data_dir).is_relative_to(argos_home)
    assert Path(settings.data_dir).is_relative_to(argos_home)
    assert Path(settings.cache_dir).is_relative_to(argos_home)
    assert settings.remote_package_index.startswith("http://127.0.0.1:")
    assert settings.chunk_type == settings.ChunkType.SPACY


# --------------------------------------------------------------------------- installed


def test_installed_package_is_listed_and_found(argos_bg_en_model, argos_home):
    assert isinstance(argos_bg_en_model, ModelInfo)
    assert (argos_bg_en_model.from_code, argos_bg_en_model.to_code) == ("bg", "en")
    assert argos_bg_en_model.name == "translate-bg_en"
    assert argos_bg_en_model.package_version == "1.9"
    assert argos_bg_en_model.path.is_relative_to(argos_home)
    assert (argos_bg_en_model.path / "model" / "model.bin").is_file()
    assert argos_bg_en_model in list_installed()
    assert find_model("bg", "en") == argos_bg_en_model
    assert find_model("en", "bg") is None
    assert require_model("bg", "en") == argos_bg_en_model


def test_argostranslate_sees_the_same_package(argos_bg_en_model):
    from argostranslate import package

    paths = [Path(p.package_path) for p in package.get_installed_packages()]
    assert argos_bg_en_model.path in paths


def test_require_model_says_how_to_install():
    with pytest.raises(PackageNotFoundError, match=r"xlalign models install xx en.*--file"):
        require_model("xx", "en")


def test_install_from_file_replaces_same_pair(isolated_argos_packages, argos_package_file):
    first = install_from_file(argos_package_file)
    again = install_from_file(argos_package_file)
    assert again == first
    assert [m.path for m in list_installed()] == [first.path]


def test_install_refuses_other_pair(isolated_argos_packages, argos_package_file):
    with pytest.raises(PackageFileError, match=rf"{argos_package_file.name}.*bg→en package, not ru→en"):
        install_from_file(argos_package_file, expect_pair=("ru", "en"))
    assert list_installed() == []


# --------------------------------------------------------------------------- broken files


def _broken_files(tmp_path: Path, write_zip) -> dict[str, tuple[Path, str]]:
    good_meta = json.dumps({"from_code": "bg", "to_code": "en", "package_version": "1.0", "argos_version": "1.0"})
    text = tmp_path / "notes.argosmodel"
    text.write_text("this is not a zip archive", encoding="utf-8")
    return {
        "missing": (tmp_path / "nowhere.argosmodel", "does not exist"),
        "folder": (tmp_path, "is a folder"),
        "not a zip": (text, "not a zip archive"),
        "no metadata": (
            write_zip(tmp_path / "nometa.argosmodel", {"pkg/model/model.bin": b"x", "pkg/sentencepiece.model": b"x"}),
            "no <folder>/metadata.json",
        ),
        "metadata at top": (
            write_zip(tmp_path / "flat.argosmodel", {"metadata.json": good_meta, "model/model.bin": b"x"}),
            "at the top of the archive",
        ),
        "bad json": (
            write_zip(tmp_path / "badjson.argosmodel", {"pkg/metadata.json": "{not json", "pkg/model/model.bin": b"x"}),
            "metadata.json is not valid JSON",
        ),
        "no model": (
            write_zip(tmp_path / "nomodel.argosmodel", {"pkg/metadata.json": good_meta, "pkg/sentencepiece.model": b"x"}),
            "pkg/model/model.bin missing",
        ),
    }


@pytest.mark.parametrize("case", ["missing", "folder", "not a zip", "no metadata", "metadata at top", "bad json", "no model"])
def test_broken_file_errors_name_the_file(case, tmp_path, isolated_argos_packages):
    from harness.fixtures_argos import write_zip

    path, problem = _broken_files(tmp_path, write_zip)[case]
    with pytest.raises(PackageFileError) as info:
        install_from_file(path)
    assert str(path) in str(info.value)
    assert problem in str(info.value)
    assert list_installed() == []
    assert list(isolated_argos_packages.iterdir()) == []


# --------------------------------------------------------------------------- the index, over loopback


class _Handler(http.server.SimpleHTTPRequestHandler):
    requests: list[tuple[str, str]]

    def do_GET(self):
        self.requests.append((self.path, self.headers.get("User-Agent", "")))
        super().do_GET()

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture
def index_server(tmp_path, argos_package_file):
    """A real HTTP server on 127.0.0.1 serving an Argos-format index and the package."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "packages").mkdir()
    (root / "packages" / argos_package_file.name).write_bytes(argos_package_file.read_bytes())
    requests: list[tuple[str, str]] = []
    handler = type("Handler", (_Handler,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    index = [
        {
            "package_version": "1.9",
            "argos_version": "1.9",
            "from_code": "bg",
            "from_name": "Bulgarian",
            "to_code": "en",
            "to_name": "English",
            "type": "translate",
            "links": [f"{base}packages/{argos_package_file.name}"],
        },
        {
            "package_version": "1.1",
            "argos_version": "1.0",
            "from_code": "en",
            "from_name": "English",
            "to_code": "bg",
            "to_name": "Bulgarian",
            "type": "translate",
            "links": [f"{base}packages/missing.argosmodel"],
        },
        {"type": "sbd", "package_version": "1.0", "from_code": "xx", "links": []},
    ]
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield base, requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def argos_index(index_server, monkeypatch):
    """argostranslate pointed at the loopback index, as ARGOS_PACKAGE_INDEX would."""
    from argostranslate import settings

    base, requests = index_server
    monkeypatch.setattr(settings, "remote_package_index", base + "index.json")
    return base, requests


@pytest.fixture
def closed_port_index(monkeypatch):
    """An index URL on a loopback port nothing listens on."""
    from argostranslate import settings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/index.json"
    monkeypatch.setattr(settings, "remote_package_index", url)
    return url


def test_install_from_index_over_loopback(argos_index, isolated_argos_packages):
    from argostranslate import package, settings

    base, requests = argos_index
    model = install_from_index("bg", "en")
    assert model.path.parent == isolated_argos_packages
    assert (model.from_code, model.to_code, model.package_version) == ("bg", "en", "1.9")
    assert find_model("bg", "en") == model
    fetched = [path for path, _ in requests]
    assert fetched[0] == "/index.json" and fetched[-1].endswith(".argosmodel")
    assert all(agent == "ArgosTranslate" for _, agent in requests)
    # The index went where argostranslate keeps it, in its format; the download was cleaned up.
    assert [p.from_code for p in package.get_available_packages()] == ["bg", "en", "xx"]
    assert not any(Path(settings.downloads_dir).glob("*.argosmodel"))


def test_install_from_index_unknown_pair(argos_index, isolated_argos_packages):
    with pytest.raises(PackageNotFoundError, match=r"has no bg→de package\. It offers bg→en, en→bg\."):
        install_from_index("bg", "de")


def test_install_from_index_broken_link(argos_index, isolated_argos_packages):
    with pytest.raises(IndexUnreachableError, match=r"Could not download translate-en_bg 1\.1 .*HTTP 404.*--file PATH"):
        install_from_index("en", "bg")
    assert list_installed() == []


def test_install_from_index_offline_is_actionable(closed_port_index, isolated_argos_packages):
    with pytest.raises(IndexUnreachableError) as info:
        install_from_index("bg", "en")
    message = str(info.value)
    assert message.startswith(f"Could not reach the Argos package index at {closed_port_index} (")
    assert "download the bg→en .argosmodel file (the Argos package index, " in message
    assert f"{closed_port_index}, lists every package with its download links) and run " \
           "`xlalign models install --file PATH`" in message
    assert list_installed() == []


def test_list_available(argos_index):
    entries = list_available()
    assert [(e.from_code, e.to_code, e.package_version) for e in entries] == [("bg", "en", "1.9"), ("en", "bg", "1.1")]


# --------------------------------------------------------------------------- CLI


def test_cli_models_list(argos_bg_en_model, capsys):
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "FROM" in out and "PACKAGE" in out
    row = next(line for line in out.splitlines() if "translate-bg_en" in line)
    assert row.split()[:5] == ["bg", "en", "translate-bg_en", "1.9", "1.9"]


def test_cli_models_list_empty(isolated_argos_packages, capsys):
    assert main(["models", "list"]) == 0
    assert "No Argos packages are installed" in capsys.readouterr().out


def test_cli_models_list_available(argos_index, isolated_argos_packages, capsys):
    assert main(["models", "list", "--available"]) == 0
    out = capsys.readouterr().out
    assert "Available from the Argos index" in out
    assert any(line.split()[:2] == ["bg", "en"] for line in out.splitlines())


def test_cli_models_list_available_offline(closed_port_index, isolated_argos_packages, capsys):
    assert main(["models", "list", "--available"]) == 1
    err = capsys.readouterr().err
    assert "Could not reach the Argos package index" in err and "--file PATH" in err
    assert "Traceback" not in err


def test_cli_install_file(isolated_argos_packages, argos_package_file, capsys):
    assert main(["models", "install", "--file", str(argos_package_file)]) == 0
    assert "Installed translate-bg_en 1.9 (bg→en)" in capsys.readouterr().out
    assert find_model("bg", "en") is not None
    assert main(["models", "install", "bg", "en", "--file", str(argos_package_file)]) == 0


def test_cli_install_broken_file(isolated_argos_packages, tmp_path, capsys):
    bad = tmp_path / "broken.argosmodel"
    bad.write_bytes(b"PK not really")
    assert main(["models", "install", "--file", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "not a zip archive" in err and "Traceback" not in err


def test_cli_install_from_index(argos_index, isolated_argos_packages, capsys):
    assert main(["models", "install", "bg", "en"]) == 0
    assert "Installed translate-bg_en 1.9" in capsys.readouterr().out


def test_cli_install_offline(closed_port_index, isolated_argos_packages, capsys):
    assert main(["models", "install", "bg", "en"]) == 1
    err = capsys.readouterr().err
    assert "Could not reach the Argos package index" in err
    assert "xlalign models install --file PATH" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [["models", "install"], ["models", "install", "bg"]])
def test_cli_install_usage_error(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "give FROM and TO" in err and "--file PATH" in err


def test_no_real_argos_home_was_used():
    real = Path.home() / ".local" / "share" / "argos-translate" / "packages"
    from argostranslate import settings

    assert Path(settings.package_data_dir) != real
    assert os.environ["ARGOS_PACKAGES_DIR"] != str(real)


# --------------------------------------------------------------------------- remove, update


def test_cli_remove(isolated_argos_packages, argos_package_file, capsys):
    model = install_from_file(argos_package_file)
    assert main(["models", "remove", "bg", "en"]) == 0
    assert f"Removed translate-bg_en 1.9 (bg→en) from {model.path}." in capsys.readouterr().out
    assert find_model("bg", "en") is None and not model.path.exists()
    assert main(["models", "remove", "bg", "en"]) == 1
    err = capsys.readouterr().err
    assert "No Argos bg→en package is installed (installed: none); nothing was removed." in err


def test_cli_update_installs_a_newer_version_and_leaves_the_newest(argos_index, isolated_argos_packages, tmp_path,
                                                                   capsys):
    from harness.fixtures_argos import TINY, build_argos_package

    old = build_argos_package(tmp_path / "old", shape=TINY, package_version="1.2")
    install_from_file(old)
    assert main(["models", "update"]) == 0
    assert "Updated translate-bg_en 1.2 -> 1.9 (bg→en)" in capsys.readouterr().out
    assert find_model("bg", "en").package_version == "1.9"
    assert main(["models", "update"]) == 0
    assert "translate-bg_en 1.9 (bg→en) is the newest the index offers." in capsys.readouterr().out


def test_cli_update_offline_names_the_index(closed_port_index, isolated_argos_packages, argos_package_file, capsys):
    install_from_file(argos_package_file)
    assert main(["models", "update"]) == 1
    err = capsys.readouterr().err
    assert closed_port_index in err and "lists every package with its download links" in err and "--file PATH" in err
