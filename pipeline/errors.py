"""The errors the library raises on purpose; anything else is a bug."""
from __future__ import annotations


class PipelineError(Exception):
    """Base of every error a user can cause; the CLI prints it as one line."""


class RulesError(PipelineError):
    """One or more problems in a rules folder, each located as `file:line: what`."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        first = self.problems[0] if self.problems else "invalid rules"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


class InputError(PipelineError):
    """An input that cannot be read at all (a path that does not exist, an unknown kind)."""

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path, self.reason, self.line = path, reason, line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class UsageError(PipelineError):
    """A command asked for something that cannot be done (bad option, unsafe output folder)."""
