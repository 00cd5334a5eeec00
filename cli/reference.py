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
