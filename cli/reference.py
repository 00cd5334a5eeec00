"""The README's command list, generated from the argument parser so the two cannot drift apart.

`render_markdown()` is the text between the README's `commands` markers;
tests/cli/test_command_reference.py fails when they differ. Usage lines are
built from the parser's actions directly (not argparse's usage formatter,
whose wrapping depends on the terminal's width).
"""
from __future__ import annotations

import argparse


def _option(action: argparse.Action) -> str:
    flag = max(action.option_strings, key=len)
    if action.nargs == 0:
        return f"[{flag}]"
    if action.choices:
        value = "|".join(str(c) for c in action.choices)
    else:
        value = str(action.metavar or action.dest.upper())
    if action.nargs == "?":
        value = f"[{value}]"
    elif action.nargs in ("+", "*"):
        value += "..."
    return f"[{flag} {value}]" if not action.required else f"{flag} {value}"


def _positional(action: argparse.Action) -> str:
    name = str(action.metavar or action.dest)
    if action.nargs in ("+", "*"):
        return f"{name}..."
    return f"[{name}]" if action.nargs == "?" else name


def usage_lines(parser: argparse.ArgumentParser, prefix: str = "xlalign") -> list[tuple[str, str]]:
    """(usage, help) for every runnable command, sub-commands of sub-commands included, in parser order."""
    lines: list[tuple[str, str]] = []
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
        for name, sub in action.choices.items():
            nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
            if nested:
                lines += usage_lines(sub, f"{prefix} {name}")
                continue
            words = [f"{prefix} {name}"]
            words += [_positional(a) for a in sub._actions if not a.option_strings]
            words += [_option(a) for a in sub._actions if a.option_strings and a.dest != "help"]
            lines.append((" ".join(words), helps.get(name, "")))
    return lines


def render_markdown() -> str:
    from xlalign.cli.main import build_parser

    body = "\n".join(f"{usage}\n    # {help_}" for usage, help_ in usage_lines(build_parser()))
    return f"```bash\n{body}\n```"


DATASETS = {"textberg-dev": "Text+Berg dev (de→fr)", "flores-google": "FLORES bg→en documents",
            "comparable-google": "FLORES comparable (miner)"}


def render_scores_markdown() -> str:
    """The README's table of recommended --min-score values and what they were measured to give."""
    from xlalign.align.confidence import CALIBRATION, RECOMMENDED_MIN_SCORE

    names = list(DATASETS)
    head = ("| method | recommended `--min-score` | " + " | ".join(DATASETS[n] for n in names) + " |\n"
            "|---|---|" + "---|" * len(names))
    rows = []
    for method, threshold in RECOMMENDED_MIN_SCORE.items():
        cells = []
        for name in names:
            mixed, strict, recall = CALIBRATION[method][name]
            cells.append(f"{mixed:.3f} / {strict:.3f} / {recall:.3f}")
        rows.append(f"| {method} | **{threshold:g}** | " + " | ".join(cells) + " |")
    return head + "\n" + "\n".join(rows)
