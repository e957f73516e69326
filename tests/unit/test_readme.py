"""The README stays true: every setting and CLI command is documented, and the quick start is two commands."""

import re
from pathlib import Path

import typer

from portfolio.cli import app
from portfolio.config import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"PORTFOLIO_{name.upper()}" in README, f"README does not document PORTFOLIO_{name.upper()}"


def _commands(group, prefix: str = "portfolio") -> list[str]:
    found = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        found += _commands(command, path) if hasattr(command, "commands") else [path]
    return found


def test_every_cli_command_is_documented():
    commands = _commands(typer.main.get_command(app))
    assert commands
    for command in commands:
        assert f"`{command}`" in README, f"README does not document `{command}`"


def test_quick_start_is_two_commands_in_one_block():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1
    assert blocks[0].strip().splitlines() == ["make run", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert ci.strip().splitlines()[-1] == "make test"
