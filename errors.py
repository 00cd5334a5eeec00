"""The two kinds of failure a user sees, at the bottom of the import graph.

`UserError`: something the user can fix (a URL, a path, a missing model).
The CLI prints its message, one sentence saying what is wrong and what to
do, and exits with its `exit_code`, without a traceback. `UsageError` is the
kind that is also a `ValueError` (arguments that cannot work together), so
library callers can catch it the Python way. `ArticleError`: one
input file that cannot become a document; a run records it and goes on.
"""
from __future__ import annotations


class UserError(Exception):
    """A problem the user can act on; the message says what to do."""

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(UserError, ValueError):
    """Arguments that cannot work together (exit code 2, as argparse's own errors)."""

    exit_code = 2


class ArticleError(ValueError):
    """An input that cannot become a document. The message names the file and the problem."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")
