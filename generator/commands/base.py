"""What a command is: a name, a function of the parsed arguments, and the arguments it adds.

Exit codes: 0 success, 1 the data (or the build) has problems, 2 wrong usage. Every command
gets ``args.project``, the :class:`~generator.project.Project` of ``--root``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command that takes only --root."""


class CommandLike(Protocol):
    """A command of ``python -m generator``: the parser calls ``arguments``, then ``run``."""

    @property
    def name(self) -> str: ...

    @property
    def help(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def formats(self) -> tuple[str, ...]: ...

    def run(self, args: argparse.Namespace) -> int: ...

    def arguments(self, parser: argparse.ArgumentParser) -> None: ...


@dataclass(frozen=True)
class Command:
    """A command made of its name, its function (whose docstring is its help) and its arguments."""

    name: str
    func: Callable[[argparse.Namespace], int]
    add_arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    formats: tuple[str, ...] = ()
    """Output formats of its own, beside ``text`` and ``github`` (how every command prints findings)."""

    @property
    def help(self) -> str:
        """The first line of the function's docstring."""
        return self.description.splitlines()[0]

    @property
    def description(self) -> str:
        """The function's docstring."""
        return (self.func.__doc__ or self.name).strip()

    def run(self, args: argparse.Namespace) -> int:
        return self.func(args)

    def arguments(self, parser: argparse.ArgumentParser) -> None:
        self.add_arguments(parser)
