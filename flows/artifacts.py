"""The run summary as Prefect artifacts, so the UI shows what a run did.

One table (what was stored) and one markdown note (which files failed and why,
and what the run wants the user to know). Both use a fixed key, so the UI keeps
their history across runs under "Artifacts". The formatting is plain functions;
only `publish` talks to Prefect.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)

ARTIFACT_KEY = "xlalign-run-summary"
FAILURES_KEY = "xlalign-run-failures"


def summary_table(summary: dict) -> list[dict[str, str | int]]:
    """Rows `{"what": ..., "count": ..., "detail": ...}` for `create_table_artifact`."""
    langs = summary.get("languages", {})
    untranslated = summary.get("untranslated_languages", [])
    return [
        {"what": "files", "count": summary.get("files", 0), "detail": ""},
        {"what": "documents", "count": summary.get("documents", 0),
         "detail": f"{summary.get('documents_new', 0)} new"},
        {"what": "languages", "count": len(langs),
         "detail": ", ".join(f"{lang}: {n}" for lang, n in sorted(langs.items()))},
        {"what": "sentences", "count": summary.get("sentences", 0), "detail": ""},
        {"what": "translations", "count": summary.get("translated", 0),
         "detail": f"{summary.get('translations_reused', 0)} reused"
                   + (f"; no model for {', '.join(untranslated)}" if untranslated else "")},
        {"what": "document pairs", "count": summary.get("document_pairs", 0), "detail": ""},
        {"what": "alignment groups", "count": summary.get("alignment_groups_added", 0), "detail": "added"},
        {"what": "failures", "count": len(summary.get("failures", [])), "detail": ""},
    ]


def failures_markdown(summary: dict) -> str:
    """Failed files with their error, then the run's notes; '' when there is nothing to say."""
    lines: list[str] = []
    failures = summary.get("failures", [])
    if failures:
        lines += [f"### {len(failures)} file(s) failed", ""]
        lines += [f"- `{f['source']}`: {f['error']}" for f in failures]
    notes = summary.get("notes", [])
    if notes:
        lines += (["", "### Notes", ""] if lines else ["### Notes", ""]) + [f"- {n}" for n in notes]
    return "\n".join(lines)


def publish(summary: dict, run_id: int | None = None) -> None:
    """Attach the summary to the current flow run; never fails the run over it."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    what = f"xlalign run {run_id}" if run_id is not None else "xlalign run"
    try:
        create_table_artifact(summary_table(summary), key=ARTIFACT_KEY, description=f"What {what} stored")
        note = failures_markdown(summary)
        if note:
            create_markdown_artifact(note, key=FAILURES_KEY, description=f"Failures and notes of {what}")
    except Exception as exc:  # the data is in the database either way; the artifact is a convenience
        log.warning("could not publish the run summary as a Prefect artifact: %s", exc)
