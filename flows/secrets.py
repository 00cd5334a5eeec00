"""The database password stays out of Prefect: flow parameters carry the URL without it.

Prefect stores every flow run's parameters in its own database and shows
them in its UI, and a deployment's parameters to anyone who can open it. So
the `db_url` handed to a flow (and to its tasks) never holds a password;
the code that connects puts it back from, in this order:

1. this process, for `xlalign run` (`public_url` remembers it in memory);
2. `$XLALIGN_DB` on the worker, when it is the same URL with a password;
3. `$XLALIGN_DB_PASSWORD` on the worker;
4. a Prefect Secret block named by the flow's `db_password_secret` parameter.

With none of them the URL is used as it is (trust, peer or .pgpass login).
A URL that arrives with a password anyway (someone typed it into
`prefect deployment run -p db_url=...`) still works, with a warning, since
Prefect has already stored it.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Any

from xlalign.db.engine import describe, has_password, with_password, without_password

log = logging.getLogger(__name__)
ENV_URL = "XLALIGN_DB"
ENV_PASSWORD = "XLALIGN_DB_PASSWORD"

_lock = threading.Lock()
_passwords: dict[str, str] = {}


def public_url(url: str) -> str:
    """`url` without its password (remembered for this process): what may be passed to Prefect."""
    bare, password = without_password(url)
    if password is not None:
        with _lock:
            _passwords[bare] = password
    return bare


def connect_url(url: str, secret_block: str | None = None) -> str:
    """The URL to connect with: `url` plus its password from wherever it is kept (see module docstring)."""
    if url.startswith("sqlite"):
        return url
    if has_password(url):
        log.warning("the database URL %s was passed to the flow with its password, so Prefect has stored it with "
                    "the flow run; pass it without one and keep the password in $%s or a Secret block",
                    describe(url), ENV_PASSWORD)
        return url
    with _lock:
        known = _passwords.get(url)
    if known is not None:
        return with_password(url, known)
    configured = os.environ.get(ENV_URL, "").strip()
    if configured and has_password(configured) and without_password(configured)[0] == url:
        return configured
    if os.environ.get(ENV_PASSWORD):
        return with_password(url, os.environ[ENV_PASSWORD])
    if secret_block:
        from prefect.blocks.system import Secret

        block: Any = Secret.load(secret_block)  # a sync call in a sync flow: the block itself
        return with_password(url, str(block.get()))
    return url
