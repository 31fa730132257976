"""A click group that imports a command's module only when that command runs or shows its help.

`check`, `grade`, `gradescope` and `release` reach torch through the part specs (3-4 s idle,
8-13 s on a loaded machine); `gradebook`, `report --help` and `cli.py --help` must not pay for
them. The group's own --help lists every command from the table's summaries, importing none.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from typing import Any

import click


@dataclass(frozen=True)
class Lazy:
    """Where a command lives (`module:attribute`) and its summary: the first sentence of its help."""

    target: str
    summary: str
    # `module:function` called before the command's module is imported: work that may run while
    # it imports (grade starts its fork server, whose own imports then overlap the command's).
    before: str | None = None


class LazyGroup(click.Group):
    def __init__(self, *args: Any, lazy: dict[str, Lazy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            before = self.lazy[cmd_name].before
            if before is not None and not ctx.resilient_parsing and "--help" not in sys.argv:
                module, function = before.split(":")
                getattr(importlib.import_module(module), function)()
            module, attribute = self.lazy[cmd_name].target.split(":")
            command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy[cmd_name].target} is not a click command")
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click.Group lists them, with the summaries of the commands not imported yet."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            if loaded is not None and loaded.hidden:
                continue
            # A stand-in with the summary as its help shortens it as the command would.
            shown = loaded or click.Command(name, help=self.lazy[name].summary)
            rows.append((name, shown.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
