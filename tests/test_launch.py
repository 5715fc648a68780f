"""The command's process ends as the interpreter would end it, without taking it apart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

#: A child that runs the entry point with ``argv``, holding an object that says when it is
#: taken apart, an exit handler, and a thread that is still running when ``wait`` is set.
CHILD = """
import atexit, os, sys, threading, time

class Noisy:
    def __del__(self, write=os.write):  # bound now: the module may be gone by then
        write(1, b"taken apart\\n")

kept = Noisy()
atexit.register(lambda: sys.stdout.write("exit handler ran\\n"))
def until_main_ends():
    while threading.main_thread().is_alive():
        time.sleep(0.01)
    sys.stdout.write("thread ended\\n")

if {wait!r}:
    threading.Thread(target=until_main_ends).start()
sys.argv = {argv!r}
from overlap.launch import main
main()
"""


def _run(argv: list[str], wait: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD.format(argv=argv, wait=wait)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_command_ends_with_its_status_and_output_but_nothing_taken_apart() -> None:
    done = _run(["overlap", "--version"])
    assert done.returncode == 0
    assert done.stdout.splitlines() == ["overlap " + done.stdout.split()[1], "exit handler ran"]


def test_a_usage_error_keeps_its_status_and_message() -> None:
    done = _run(["overlap", "scan", "--no-such-option"])
    assert done.returncode == 2
    assert "no such option" in done.stderr
    assert done.stdout.splitlines() == ["exit handler ran"]


def test_with_another_thread_running_the_command_ends_as_usual() -> None:
    done = _run(["overlap", "--version"], wait=True)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    # The interpreter waited for the thread, ran the handler, then took the objects apart.
    assert lines[1:] == ["thread ended", "exit handler ran", "taken apart"]


def test_a_message_given_as_the_status_is_printed_and_ends_with_one() -> None:
    code = "from overlap.launch import end_now; end_now(SystemExit('stopped: no store'))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=ENV, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr) == (1, "stopped: no store\n")


def _closed(fd: int) -> None:
    os.close(fd)


def test_a_command_run_with_its_output_closed_keeps_its_status() -> None:
    # `overlap --help >&-` in a cron line: Python then has no sys.stdout (or sys.stderr).
    for fd, argv, status in [
        (1, ["overlap", "--help"], 0),
        (1, ["overlap", "scan", "--no-such-option"], 2),
        (2, ["overlap", "--help"], 0),
        (2, ["overlap", "scan", "--no-such-option"], 2),
    ]:
        done = subprocess.run(
            [sys.executable, "-c", f"import sys; sys.argv = {argv!r}\n"
             "from overlap.launch import main\nmain()"],
            env=ENV,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=lambda fd=fd: _closed(fd),  # type: ignore[misc]
        )  # fmt: skip
        assert done.returncode == status, (fd, argv, done.stderr)
        assert "Traceback" not in done.stderr


def test_a_message_is_printed_once_when_the_output_then_fails() -> None:
    # Output that cannot be flushed after the message: the usual exit follows, and says the
    # status only (the message was printed already).
    code = (
        "import sys\n"
        "from overlap.launch import end_now\n"
        "done = SystemExit('stopped: no store')\n"
        "class Broken:\n"
        "    def write(self, text): sys.__stderr__.write(text)\n"
        "    def flush(self): raise OSError('gone')\n"
        "sys.stdout = Broken()\n"
        "end_now(done)\n"
        "raise done\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=ENV, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert done.stderr.count("stopped: no store") == 1
