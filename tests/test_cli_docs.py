"""Every command and option of the CLI is documented in the README, as sqlite-utils checks its own."""

from __future__ import annotations

import argparse

import pytest

from conftest import ROOT
from extract.cli import parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_is_in_the_readme(name):
    assert f"`manifesto {name} " in README


@pytest.mark.parametrize(
    "name, option",
    [(name, option) for name, sub in sorted(_subcommands().items()) for action in sub._actions
     for option in action.option_strings if option.startswith("--") and option != "--help"],
)
def test_every_long_option_is_in_the_readme(name, option):
    assert option in README, f"`manifesto {name} {option}` is not documented in README.md"
