"""What `xlalign deploy` bakes into the deployments, and checks for what it could not.

`prefect deploy` fills `{{ $VAR }}` in prefect.yaml from the environment of the
deploying process, once. An unset variable is not an error there: the literal
text `{{ $XLALIGN_DB }}` becomes the parameter value and every run fails later
with a confusing message. So `xlalign deploy` fills in sensible absolute
defaults first and says so, and the flows reject an unrendered placeholder
with a sentence that names the fix.
"""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from xlalign.db.engine import absolute_sqlite_url, describe, has_password, without_password
from xlalign.errors import UsageError, UserError

PROJECT_ROOT = Path(__file__).resolve().parents[1]  # holds prefect.yaml and flows/
DB_ENV = "XLALIGN_DB"
INBOX_ENV = "XLALIGN_INBOX"


def deploy_environment(environ: Mapping[str, str], *, cwd: Path,
                       project_root: Path = PROJECT_ROOT) -> tuple[dict[str, str], list[str]]:
    """The environment to run `prefect deploy` in, and one note per value that was filled in.

    - `PWD`: the project folder, which the `pull` step makes the worker's
      working directory, so a worker started anywhere finds `flows/`.
    - `XLALIGN_DB`: default `sqlite:///<project>/xlalign.sqlite`; a relative
      SQLite path is made absolute against `cwd`; a password is taken out
      (the worker supplies it: `xlalign.flows.secrets`).
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
        env[DB_ENV] = absolute_sqlite_url(db, cwd)
        if env[DB_ENV] != db:
            notes.append(f"${DB_ENV} names a relative SQLite file: deploying it as {env[DB_ENV]}")
        if has_password(env[DB_ENV]):
            env[DB_ENV] = without_password(env[DB_ENV])[0]
            notes.append(f"the password in ${DB_ENV} is not stored in the deployments ({describe(db)}): give the "
                         f"worker ${DB_ENV} with the password, or $XLALIGN_DB_PASSWORD, in its own environment, or "
                         "keep it in a Prefect Secret block and pass its name as the db_password_secret parameter")
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
        raise UsageError(f"parameter {name}={value!r} is an unrendered prefect.yaml placeholder: the deployment "
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


def prefect_api_url() -> str | None:
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def deploy_all(pool: str, environ: Mapping[str, str], *, cwd: Path, say: Callable[[str], None]) -> None:
    """Create the work pool if it is missing, then deploy everything in prefect.yaml.

    Runs `prefect deploy` in the project folder with the environment from
    `deploy_environment` (absolute defaults for unset $XLALIGN_DB and
    $XLALIGN_INBOX), so it works from any folder. `say` gets each note.
    """
    if not prefect_api_url():
        raise UserError("no Prefect server configured, and a deployment made without one disappears with this "
                        "process. Start one (`prefect server start --host 127.0.0.1 --port 4200`) and "
                        "`export PREFECT_API_URL=http://127.0.0.1:4200/api`, then run `xlalign deploy` again.",
                        exit_code=2)
    env, notes = deploy_environment(environ, cwd=cwd)
    for note in notes:
        say(note)
    Path(env[INBOX_ENV]).mkdir(parents=True, exist_ok=True)
    prefect = [sys.executable, "-m", "prefect"]
    where: dict[str, Any] = {"cwd": PROJECT_ROOT, "env": env}
    exists = subprocess.run([*prefect, "work-pool", "inspect", pool], capture_output=True, text=True, **where)
    if exists.returncode != 0:
        created = subprocess.run([*prefect, "work-pool", "create", pool, "--type", "process"], **where)
        if created.returncode != 0:
            raise UserError(f"could not create work pool {pool!r}; is PREFECT_API_URL ({prefect_api_url()}) a running "
                            "Prefect server?", exit_code=created.returncode)
    for deploy in deploy_commands(pool, PROJECT_ROOT):
        deployed = subprocess.run([*prefect, *deploy], **where)
        if deployed.returncode != 0:
            raise UserError(f"`prefect {' '.join(deploy)}` failed (its output is above)", exit_code=deployed.returncode)
    say(f"done. Start a worker anywhere on this machine with `prefect worker start --pool {pool}`; cap translation "
        "CPU with `prefect gcl create translate-cpu --limit 1`.")
