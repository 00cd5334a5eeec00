"""Argos Translate packages: list, find, install from the index or from a file.

Everything here goes through argostranslate's own settings (`ARGOS_PACKAGES_DIR`,
`ARGOS_PACKAGE_INDEX`, the XDG folders), so a package installed by xlalign is
one argostranslate sees, and the other way round. Those settings are read when
`argostranslate.settings` is first imported, so this module imports it lazily,
inside the functions: importing xlalign must not freeze them (tests set them
up first) nor create folders in the user's home.

Two things are done by hand rather than through `argostranslate.package`:
- fetching the index and the package: argostranslate's `update_package_index`
  logs and swallows network errors (and `get_available_packages` then recurses
  until RecursionError), and its downloads have no timeout. Offline users must
  get a sentence telling them what to do instead.
- extracting a package: argostranslate's `install_from_path` imports
  `argostranslate.translate` (stanza, torch: seconds) only to clear a cache,
  and accepts any zip. Here the file is checked first and the cache is cleared
  only if that module is already loaded.
"""
from __future__ import annotations

import http.client
import json
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from xlalign.errors import UserError

INDEX_TIMEOUT_S = 30.0  # a reachable index answers in well under a second
USER_AGENT = "ArgosTranslate"  # what argostranslate sends; some mirrors filter on it


@dataclass(frozen=True)
class ModelInfo:
    """An installed Argos translation package."""

    from_code: str
    to_code: str
    name: str  # argospm name, e.g. "translate-bg_en"
    package_version: str
    path: Path  # the installed package folder (holds metadata.json, model/, ...)
    argos_version: str
    from_name: str = ""
    to_name: str = ""

    @property
    def pair(self) -> str:
        return f"{self.from_code}→{self.to_code}"


@dataclass(frozen=True)
class IndexEntry:
    """A package offered by the Argos package index."""

    from_code: str
    to_code: str
    name: str
    package_version: str
    argos_version: str
    links: tuple[str, ...]
    from_name: str = ""
    to_name: str = ""


class ArgosModelError(UserError):
    """An expected failure with a message a user can act on."""


class PackageFileError(ArgosModelError):
    """A local file that is not an installable Argos package; the message names it."""


class IndexUnreachableError(ArgosModelError):
    """The Argos package index (or a package download) could not be fetched."""


class PackageNotFoundError(ArgosModelError):
    """No package for the requested language pair (in the index, or installed)."""


def _settings():
    from argostranslate import settings

    return settings


def _offline_hint(from_code: str | None, to_code: str | None) -> str:
    what = f"the {from_code}→{to_code} .argosmodel file" if from_code and to_code else "the .argosmodel file you need"
    return (
        f"On a machine with internet, download {what} (the Argos package index, {index_url()}, lists every "
        "package with its download links) and run `xlalign models install --file PATH`."
    )


# --------------------------------------------------------------------------- installed


def _read_metadata(folder: Path) -> dict | None:
    try:
        with open(folder / "metadata.json", encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _package_fields(metadata: dict) -> dict[str, str]:
    """The fields an installed package and an index entry both read from Argos metadata."""
    from_code, to_code = metadata.get("from_code"), metadata.get("to_code")
    return {
        "from_code": str(from_code),
        "to_code": str(to_code),
        "name": f"{metadata.get('type', 'translate')}-{from_code}_{to_code}",
        "package_version": str(metadata.get("package_version", "")),
        "argos_version": str(metadata.get("argos_version", "")),
        "from_name": str(metadata.get("from_name", "")),
        "to_name": str(metadata.get("to_name", "")),
    }


def _model_info(folder: Path, metadata: dict) -> ModelInfo:
    return ModelInfo(path=folder, **_package_fields(metadata))


def _installed_in_argos_order() -> list[ModelInfo]:
    """Installed translate packages in the order argostranslate finds them.

    Folders without a readable metadata.json are skipped (argostranslate itself
    raises on them).
    """
    found = []
    for directory in _settings().package_dirs:
        directory = Path(directory)
        if not directory.is_dir():
            continue
        for folder in directory.iterdir():
            if not folder.is_dir():
                continue
            metadata = _read_metadata(folder)
            if metadata is None or metadata.get("type", "translate") != "translate":
                continue
            if not metadata.get("from_code") or not metadata.get("to_code"):
                continue
            found.append(_model_info(folder, metadata))
    return found


def list_installed() -> list[ModelInfo]:
    """Installed translation packages, sorted by language pair then version."""
    return sorted(
        _installed_in_argos_order(),
        key=lambda m: (m.from_code, m.to_code, m.package_version, str(m.path)),
    )


def find_model(from_code: str, to_code: str) -> ModelInfo | None:
    """The installed package argostranslate would use for this pair, if any.

    argostranslate takes the first matching folder in directory order, so this
    does too: both must translate with the same weights.
    """
    for model in _installed_in_argos_order():
        if model.from_code == from_code and model.to_code == to_code:
            return model
    return None


def require_model(from_code: str, to_code: str) -> ModelInfo:
    """`find_model`, or an error that says how to install the package."""
    model = find_model(from_code, to_code)
    if model is None:
        raise PackageNotFoundError(
            f"No Argos {from_code}→{to_code} package is installed in {packages_dir()}. "
            f"Install it with `xlalign models install {from_code} {to_code}` (needs internet) "
            "or `xlalign models install --file PATH` with a downloaded .argosmodel file."
        )
    return model


def packages_dir() -> Path:
    """Where packages are installed (argostranslate's `ARGOS_PACKAGES_DIR`)."""
    return Path(_settings().package_data_dir)


# --------------------------------------------------------------------------- from a file


def _check_package_file(path: Path) -> tuple[str, dict]:
    """Validate an .argosmodel file; return its top folder name and metadata."""
    if not path.exists():
        raise PackageFileError(f"{path} does not exist: give the path of a downloaded .argosmodel file.")
    if path.is_dir():
        raise PackageFileError(f"{path} is a folder; give the .argosmodel file itself (a zip archive).")
    if not zipfile.is_zipfile(path):
        raise PackageFileError(
            f"{path} is not a zip archive, so it is not an Argos package (an .argosmodel file is a "
            "zip archive); is it an incomplete download, or the wrong file?"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            metadata_names = [n for n in names if n.count("/") == 1 and n.endswith("/metadata.json")]
            if not metadata_names:
                where = " (it is at the top of the archive, not inside a folder)" if "metadata.json" in names else ""
                raise PackageFileError(
                    f"{path} is not an Argos package: it has no <folder>/metadata.json{where}. "
                    "An .argosmodel file holds one folder with metadata.json, model/ and sentencepiece.model."
                )
            if len(metadata_names) > 1:
                folders = ", ".join(sorted(n.split("/")[0] for n in metadata_names))
                raise PackageFileError(f"{path} holds several packages ({folders}); install one package per file.")
            folder = metadata_names[0].split("/")[0]
            try:
                metadata = json.loads(zf.read(metadata_names[0]).decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as err:
                raise PackageFileError(f"{path}: {folder}/metadata.json is not valid JSON ({err}).") from None
            missing = [
                f"{folder}/{member}"
                for member in ("model/model.bin",)
                if f"{folder}/{member}" not in names
            ]
            if f"{folder}/sentencepiece.model" not in names and f"{folder}/bpe.model" not in names:
                missing.append(f"{folder}/sentencepiece.model")
            if missing:
                raise PackageFileError(f"{path} is an incomplete Argos package: {', '.join(missing)} missing.")
            bad = zf.testzip()
            if bad is not None:
                raise PackageFileError(f"{path} is corrupt ({bad} fails its checksum); download it again.")
    except zipfile.BadZipFile as err:
        raise PackageFileError(f"{path} is a damaged zip archive ({err}); download it again.") from None
    if not isinstance(metadata, dict):
        raise PackageFileError(f"{path}: {folder}/metadata.json must hold a JSON object.")
    if metadata.get("type", "translate") != "translate":
        raise PackageFileError(
            f"{path} is an Argos package of type {metadata.get('type')!r}; xlalign installs translation packages only."
        )
    if not metadata.get("from_code") or not metadata.get("to_code"):
        raise PackageFileError(f"{path}: {folder}/metadata.json has no from_code/to_code.")
    return folder, metadata


def install_from_file(path: str | os.PathLike, *, expect_pair: tuple[str, str] | None = None) -> ModelInfo:
    """Install a local .argosmodel file (works offline); return the installed package.

    `expect_pair` (from_code, to_code) refuses a package for another pair
    before anything is installed. An installed package for the same pair in
    another folder is removed, as argostranslate's own update does: two would
    make the choice of weights depend on directory order.
    """
    path = Path(path).expanduser()
    folder, metadata = _check_package_file(path)
    if expect_pair is not None and tuple(expect_pair) != (metadata["from_code"], metadata["to_code"]):
        raise PackageFileError(
            f"{path} is a {metadata['from_code']}→{metadata['to_code']} package, "
            f"not {expect_pair[0]}→{expect_pair[1]}; nothing was installed."
        )
    settings = _settings()
    target_root = Path(settings.package_data_dir)
    target_root.mkdir(parents=True, exist_ok=True)
    from argostranslate.package import package_lock

    # Extract beside the packages folder (same file system: the final move is a
    # rename) but not inside it, where argostranslate would see a half-written package.
    try:
        staging = Path(tempfile.mkdtemp(prefix=".xlalign-install-", dir=target_root.parent))
    except OSError:
        staging = Path(tempfile.mkdtemp(prefix="xlalign-install-"))
    try:
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if n.startswith(folder + "/")]
            zf.extractall(staging, members=members)
        new_folder = target_root / folder
        with package_lock:
            for other in _installed_in_argos_order():
                if (other.from_code, other.to_code) == (metadata["from_code"], metadata["to_code"]):
                    if other.path.resolve() != new_folder.resolve() and other.path.parent.resolve() == target_root.resolve():
                        shutil.rmtree(other.path)
            if new_folder.exists():
                shutil.rmtree(new_folder)
            shutil.move(str(staging / folder), str(new_folder))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _forget_argos_languages()
    return _model_info(new_folder, metadata)


def _forget_argos_languages() -> None:
    """Make an already-imported argostranslate see the new package."""
    translate = sys.modules.get("argostranslate.translate")
    if translate is not None:
        translate.get_installed_languages.cache_clear()


# --------------------------------------------------------------------------- from the index


def index_url() -> str:
    """The index argostranslate uses (`ARGOS_PACKAGE_INDEX` + index.json)."""
    return str(_settings().remote_package_index)


def _fetch(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _reason(err: BaseException) -> str:
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}"
    if isinstance(err, urllib.error.URLError):
        return str(err.reason)
    return str(err) or type(err).__name__


def update_index(url: str | None = None, *, timeout: float = INDEX_TIMEOUT_S) -> list[IndexEntry]:
    """Download the package index into argostranslate's local copy; return its translate packages."""
    url = url or index_url()
    try:
        data = _fetch(url, timeout)
    except (OSError, http.client.HTTPException) as err:  # URLError, timeouts, refused connections
        raise IndexUnreachableError(f"Could not reach the Argos package index at {url} ({_reason(err)}).") from None
    try:
        entries = json.loads(data.decode("utf-8"))
        if not isinstance(entries, list):
            raise ValueError("not a JSON list of packages")
    except ValueError as err:
        raise IndexUnreachableError(f"The Argos package index at {url} is not a valid index ({err}).") from None
    local = Path(_settings().local_package_index)
    local.parent.mkdir(parents=True, exist_ok=True)
    local.write_bytes(data)  # where argostranslate's get_available_packages() reads it
    return [_index_entry(e) for e in entries if isinstance(e, dict) and e.get("type", "translate") == "translate"]


def _index_entry(metadata: dict) -> IndexEntry:
    return IndexEntry(links=tuple(str(link) for link in metadata.get("links", ())), **_package_fields(metadata))


def _version_key(version: str):
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def list_available(url: str | None = None) -> list[IndexEntry]:
    """Translation packages offered by the Argos index (fetched now).

    Raises IndexUnreachableError with what to do offline.
    """
    try:
        return update_index(url)
    except IndexUnreachableError as err:
        raise IndexUnreachableError(f"{err} {_offline_hint(None, None)}") from None


def _download(entry: IndexEntry, timeout: float) -> Path:
    """Fetch the package into argostranslate's downloads folder, trying each link."""
    if not entry.links:
        raise IndexUnreachableError(f"The Argos index lists {entry.name} {entry.package_version} without a download link.")
    downloads = Path(_settings().downloads_dir)
    downloads.mkdir(parents=True, exist_ok=True)
    target = downloads / f"{entry.name}.argosmodel"
    partial = target.with_suffix(".argosmodel.part")
    reasons = []
    for link in entry.links:
        try:
            request = urllib.request.Request(link, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=timeout) as response, open(partial, "wb") as out:
                shutil.copyfileobj(response, out, length=1 << 20)
            os.replace(partial, target)
            return target
        except (OSError, http.client.HTTPException) as err:
            reasons.append(f"{link}: {_reason(err)}")
    partial.unlink(missing_ok=True)
    raise IndexUnreachableError(f"Could not download {entry.name} {entry.package_version} ({'; '.join(reasons)}).")


def install_from_index(
    from_code: str, to_code: str, *, url: str | None = None, timeout: float = INDEX_TIMEOUT_S
) -> ModelInfo:
    """Install the newest index package for a pair: update the index, download, install.

    Offline, raises IndexUnreachableError saying how to install from a file instead.
    """
    try:
        entries = update_index(url, timeout=timeout)
    except IndexUnreachableError as err:
        raise IndexUnreachableError(f"{err} {_offline_hint(from_code, to_code)}") from None
    matches = [e for e in entries if (e.from_code, e.to_code) == (from_code, to_code)]
    if not matches:
        pairs = sorted({f"{e.from_code}→{e.to_code}" for e in entries if from_code in (e.from_code, e.to_code)})
        offered = f" It offers {', '.join(pairs)}." if pairs else ""
        raise PackageNotFoundError(
            f"The Argos package index at {url or index_url()} has no {from_code}→{to_code} package.{offered}"
        )
    entry = max(matches, key=lambda e: _version_key(e.package_version))
    try:
        downloaded = _download(entry, timeout)
    except IndexUnreachableError as err:
        raise IndexUnreachableError(f"{err} {_offline_hint(from_code, to_code)}") from None
    try:
        return install_from_file(downloaded)
    finally:
        downloaded.unlink(missing_ok=True)  # as argostranslate's AvailablePackage.install does


# --------------------------------------------------------------------------- remove, update


def remove_installed(from_code: str, to_code: str) -> list[ModelInfo]:
    """Delete the installed package(s) for a pair from the packages folder; returns what was removed.

    Only packages under `packages_dir()` are removed: a package in another of
    argostranslate's folders (a system-wide one) is the administrator's, and
    the error says where it is.
    """
    found = [m for m in _installed_in_argos_order() if (m.from_code, m.to_code) == (from_code, to_code)]
    if not found:
        installed = ", ".join(sorted({m.pair for m in _installed_in_argos_order()})) or "none"
        raise PackageNotFoundError(f"No Argos {from_code}→{to_code} package is installed (installed: {installed}); "
                                   "nothing was removed.")
    root = packages_dir().resolve()
    elsewhere = [m for m in found if m.path.resolve().parent != root]
    if elsewhere:
        raise ArgosModelError(f"The {from_code}→{to_code} package in {elsewhere[0].path} is outside xlalign's "
                              f"packages folder ({root}); remove it there by hand if you mean to.")
    from argostranslate.package import package_lock

    with package_lock:
        for model in found:
            shutil.rmtree(model.path)
    _forget_argos_languages()
    return found


def update_installed(url: str | None = None, *, timeout: float = INDEX_TIMEOUT_S) -> list[tuple[ModelInfo, ModelInfo | None]]:
    """Install the index's newest version of every installed package that has a newer one.

    Returns (installed package, its replacement or None when already the newest)
    per installed package. Offline, raises IndexUnreachableError saying how to
    install a downloaded file instead.
    """
    installed = list_installed()
    if not installed:
        return []
    try:
        entries = update_index(url, timeout=timeout)
    except IndexUnreachableError as err:
        raise IndexUnreachableError(f"{err} {_offline_hint(None, None)}") from None
    results: list[tuple[ModelInfo, ModelInfo | None]] = []
    for model in installed:
        offered = [e for e in entries if (e.from_code, e.to_code) == (model.from_code, model.to_code)]
        newest = max(offered, key=lambda e: _version_key(e.package_version), default=None)
        if newest is None or _version_key(newest.package_version) <= _version_key(model.package_version):
            results.append((model, None))
            continue
        try:
            downloaded = _download(newest, timeout)
        except IndexUnreachableError as err:
            raise IndexUnreachableError(f"{err} {_offline_hint(model.from_code, model.to_code)}") from None
        try:
            results.append((model, install_from_file(downloaded)))
        finally:
            downloaded.unlink(missing_ok=True)
    return results
