"""The command line run in-process, as the tests call it: exit code, stdout and stderr."""

from __future__ import annotations

from typer.testing import CliRunner

from overlap.cli import app

runner = CliRunner()


def invoke(*args: object) -> tuple[int, str, str]:
    """Run ``overlap ARGS...`` in this process; arguments are turned into strings."""
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr
