"""What `xlalign deploy` bakes into the deployments, and checks for what it could not.

`prefect deploy` fills `{{ $VAR }}` in prefect.yaml from the environment of the
deploying process, once. An unset variable is not an error there: the literal
text `{{ $XLALIGN_DB }}` becomes the parameter value and every run fails later
with a confusing message. So `xlalign deploy` fills in sensible absolute
defaults first and says so, and the flows reject an unrendered placeholder
with a sentence that names the fix.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import make_url

PROJECT_ROOT = Path(__file__).resolve().parents[1]  # holds prefect.yaml and flows/
DB_ENV = "XLALIGN_DB"
INBOX_ENV = "XLALIGN_INBOX"


def _absolute_sqlite(url: str, base: Path) -> str:
    """An SQLite URL with a relative file made absolute against `base` (a worker's cwd differs)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return url
    path = Path(parsed.database)
    if path.is_absolute():
        return url
    return parsed.set(database=str((base / path).resolve())).render_as_string(hide_password=False)


def deploy_environment(environ: Mapping[str, str], *, cwd: Path,
                       project_root: Path = PROJECT_ROOT) -> tuple[dict[str, str], list[str]]:
    """The environment to run `prefect deploy` in, and one note per value that was filled in.

    - `PWD`: the project folder, which the `pull` step makes the worker's
      working directory, so a worker started anywhere finds `flows/`.
    - `XLALIGN_DB`: default `sqlite:///<project>/xlalign.sqlite`; a relative
      SQLite path is made absolute against `cwd`.
    - `XLALIGN_INBOX`: default `<project>/inbox`; a relative path is made absolute.
    """
    env = dict(environ)
    notes: list[str] = []
    env["PWD"] = str(project_root)
    db = env.get(DB_ENV, "").strip()
    if not db:
        env[DB_ENV] = f"sqlite:///{project_root / 'xlalign.sqlite'}"
        notes.append(f"${DB_ENV} is not set: the deployments will write to {env[DB_ENV]} "
                     f"(set {DB_ENV}=postgresql+psycopg://... to share one database between workers)")
    else:
        env[DB_ENV] = _absolute_sqlite(db, cwd)
        if env[DB_ENV] != db:
            notes.append(f"${DB_ENV} names a relative SQLite file: deploying it as {env[DB_ENV]}")
    inbox = env.get(INBOX_ENV, "").strip()
    if not inbox:
        env[INBOX_ENV] = str(project_root / "inbox")
        notes.append(f"${INBOX_ENV} is not set: the scheduled deployment will watch {env[INBOX_ENV]}")
    elif not Path(inbox).is_absolute():
        env[INBOX_ENV] = str((cwd / inbox).resolve())
        notes.append(f"${INBOX_ENV} is relative: deploying it as {env[INBOX_ENV]}")
    return env, notes


def require_rendered(name: str, value: str) -> str:
    """`value`, unless it is a `{{ ... }}` placeholder prefect.yaml left unfilled."""
    if "{{" in value and "}}" in value:
        raise ValueError(f"parameter {name}={value!r} is an unrendered prefect.yaml placeholder: the deployment "
                         "was created while that environment variable was unset. Set it and run `xlalign deploy` "
                         "again, or pass the parameter explicitly (-p " + name + "=...).")
    return value


def deploy_commands(pool: str, project_root: Path = PROJECT_ROOT) -> list[list[str]]:
    """`prefect deploy` argument lists that put every deployment of prefect.yaml on `pool`.

    `prefect deploy --all --pool X` ignores `--pool`, so a pool other than the
    one in prefect.yaml needs one `deploy --name N --pool X` per deployment.
    """
    import yaml

    config = yaml.safe_load((project_root / "prefect.yaml").read_text(encoding="utf-8"))
    deployments = config.get("deployments") or []
    if all((d.get("work_pool") or {}).get("name") == pool for d in deployments):
        return [["--no-prompt", "deploy", "--all"]]
    return [["--no-prompt", "deploy", "--name", d["name"], "--pool", pool] for d in deployments]
