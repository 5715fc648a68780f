"""The command line run in-process, as the tests call it: exit code, stdout and stderr."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from overlap.cli import app
from tests.contractcheck import check_findings

runner = CliRunner()


def invoke(*args: object) -> tuple[int, str, str]:
    """Run ``overlap ARGS...`` in this process; arguments are turned into strings.

    What ``overlap scan --json`` prints when it succeeds (exit 0 or 1) is checked against the
    findings contract.
    """
    argv = [str(a) for a in args]
    result = runner.invoke(app, argv)
    if argv[:1] == ["scan"] and "--json" in argv and result.exit_code in (0, 1):
        check_findings(json.loads(result.stdout), "overlap scan --json")
    return result.exit_code, result.stdout, result.stderr
