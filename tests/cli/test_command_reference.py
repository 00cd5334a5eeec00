"""The README's command list is generated from the argument parser and must stay equal to it."""
from __future__ import annotations

import re
from pathlib import Path

from xlalign.cli.main import build_parser
from xlalign.cli.reference import render_markdown, usage_lines

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_section(name: str) -> str:
    found = re.search(rf"<!-- {name}:start -->\n(.*?)\n<!-- {name}:end -->", README.read_text(encoding="utf-8"), re.S)
    assert found, f"README.md lost its {name} markers"
    return found.group(1)


def test_readme_lists_exactly_the_parsers_commands():
    assert readme_section("commands") == render_markdown(), (
        "regenerate the README's command list from xlalign.cli.reference.render_markdown()")


def test_every_command_and_option_is_in_the_list():
    text = render_markdown()
    commands = [usage.split(" [")[0] for usage, _ in usage_lines(build_parser())]
    for expected in ("xlalign browse", "xlalign plot", "xlalign show DOC", "xlalign models remove FROM TO",
                     "xlalign models update", "xlalign search TERM", "xlalign export OUT --format"):
        assert any(c.startswith(expected) for c in commands), expected
    for option in ("--substring", "--json", "--format vecalign|text|tsv", "--no-scores", "--kind A-B", "--snapshot FILE",
                   "--run-scores [RUN]", "--host HOST"):
        assert option in text, option


def test_readme_says_how_to_get_xlalign_on_path():
    body = README.read_text(encoding="utf-8")
    first = body.index("bash scripts/demo.sh")
    assert body.index("source .venv/bin/activate") > first  # right after the setup commands
    assert body.index("source .venv/bin/activate") < body.index("## How it is built")
    assert "source .venv/bin/activate" in Path(README.parent / "scripts" / "demo.sh").read_text()


def test_readme_scores_table_is_the_calibration_the_code_uses():
    from xlalign.align.confidence import RECOMMENDED_MIN_SCORE
    from xlalign.cli.reference import render_scores_markdown

    assert readme_section("scores") == render_scores_markdown()
    for method, threshold in RECOMMENDED_MIN_SCORE.items():
        assert f"| {method} | **{threshold:g}** |" in readme_section("scores")
    assert "0.5 means\n3 random-pair spreads above unrelated sentences" in README.read_text(encoding="utf-8")


def test_sql_examples_filter_at_the_recommended_thresholds():
    """The README's query and the cookbook recipe repeat the thresholds in SQL: they must follow a re-calibration."""
    from xlalign.align.confidence import RECOMMENDED_MIN_SCORE as rec
    from xlalign.db.cookbook import RECIPES

    case = (f"CASE method WHEN 'embed' THEN {rec['embed']:g} WHEN 'mt' THEN {rec['mt']:g} "
            f"ELSE {rec['hybrid']:g} END")
    assert case in RECIPES[0].sql
    assert README.read_text(encoding="utf-8").count(case) == 2  # the example under "The database" and recipe 1


def test_calibration_script_runs_on_a_quick_set(tmp_path):
    """The lead re-runs it after aligner changes: it must keep working (Text+Berg, the MT method: no embedding)."""
    import subprocess
    import sys

    from harness.shared_data import DATA, REPO, require_shared

    require_shared(DATA / "textberg-dev")
    done = subprocess.run([sys.executable, "benchmarks/score_calibration.py", "--quick", "--methods", "mt"], cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    last = done.stdout.strip().splitlines()[-1]
    import json

    result = json.loads(last)
    assert set(result["RECOMMENDED_MIN_SCORE"]) == {"mt"} and "textberg-dev" in result["CALIBRATION"]["mt"]
    assert all(0 <= v < 1 for v in result["RECOMMENDED_MIN_SCORE"].values())
