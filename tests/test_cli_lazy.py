"""grader/commands/lazy.py: a command's module is imported only when that command is used, and
`cli.py --help` lists every command as the commands themselves would."""
from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from conftest import REPO

from grader.commands import COMMANDS, main
from grader.commands.lazy import LazyGroup


def _help(group: click.Group, width: int) -> str:
    with click.Context(group, info_name="cli.py", terminal_width=width, max_content_width=width) as ctx:
        return group.get_help(ctx)


@pytest.mark.parametrize("width", [60, 80, 200])
def test_the_listing_from_the_table_is_the_listing_of_the_loaded_commands(width: int):
    unloaded = LazyGroup(name="main", help=main.help, lazy=COMMANDS)
    ctx = click.Context(main)
    loaded = click.Group(name="main", help=main.help, commands={name: main.get_command(ctx, name) for name in COMMANDS})
    assert _help(unloaded, width) == _help(loaded, width)
    assert not unloaded.commands  # listing imported nothing
    assert all(f"\n  {name} " in _help(unloaded, width) for name in COMMANDS)


def test_help_and_the_gradebook_and_report_commands_start_without_torch():
    """In a fresh interpreter: the top help, `gradebook show --help` and `report --help` import
    neither torch nor the part specs (which import the torch references)."""
    code = (
        "import sys\n"
        "from grader.commands import main\n"
        "for args in (['--help'], ['gradebook', 'show', '--help'], ['report', '--help']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, (args, exc.code)\n"
        "print(sorted(m for m in ('torch', 'hypothesis', 'grader.parts', 'grader.engine.grade') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "Print NAME's feedback" in run.stdout and "Write an HTML report" in run.stdout
    assert run.stdout.splitlines()[-1] == "[]"


def test_an_unknown_command_is_still_refused():
    done = CliRunner().invoke(main, ["grades"])
    assert done.exit_code == 2 and "No such command 'grades'" in done.output
