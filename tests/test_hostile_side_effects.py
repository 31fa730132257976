"""Correct submissions with a hostile side action: forged grade files, a fake report on the
terminal, a daemon, a network leak. The side action changes no score, the attempt is on record
(as inert text in the result's stdout), and nothing of it outlives the grading."""
from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from hostile_suite import Arena, assert_contained, assert_scores, grade_hostile

from grader.render.gradescope import to_gradescope


@pytest.fixture
def arena(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Arena:
    return Arena.enter(tmp_path, monkeypatch)


def test_forged_result_files_change_no_score_and_reach_no_output_folder(arena: Arena):
    run = grade_hostile(arena, "forges_result_files", ["shapes", "conv"])
    assert_scores(run.result)
    assert to_gradescope(run.result)["score"] == pytest.approx(run.result.score, abs=1e-9)
    assert "forger: wrote" in run.result.stdout
    print(f"forged files found (all removed): {run.describe()}")  # shown with -rP
    assert_contained(run)


def test_fake_passed_report_is_shown_as_inert_text(arena: Arena):
    run = grade_hostile(arena, "fake_passed_output", ["shapes", "pooling"])
    assert_scores(run.result)
    assert "PASSED 100/100" in run.result.stdout
    assert "\x1b" not in run.result.stdout and "\x9b" not in run.result.stdout
    assert_contained(run)


def test_background_daemon_does_not_survive_the_grading(arena: Arena):
    run = grade_hostile(arena, "background_daemon", ["shapes", "pooling"])
    assert_scores(run.result)
    assert "daemon:" in run.result.stdout
    assert_contained(run)


class Listener:
    """A TCP server on 127.0.0.1 (never another interface) that records what it receives."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.received = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(2.0)
                try:
                    while chunk := conn.recv(4096):
                        self.received += chunk
                except OSError:
                    pass

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


def test_network_leak_changes_no_score_and_is_cut_off_by_the_sandbox(arena: Arena):
    with Listener() as listener:
        target = f"HOST = '127.0.0.1'\nPORT = {listener.port}\n"
        run = grade_hostile(arena, "opens_socket", ["shapes", "conv"], extra={"_leak_target": target})
    assert_scores(run.result)
    assert "socket:" in run.result.stdout
    print(f"received by the listener under {run.result.sandbox}: {listener.received!r}")  # shown with -rP
    if run.result.sandbox.startswith("bwrap"):
        assert listener.received == b"", f"the sandbox let a connection out: {listener.received!r}"
    assert_contained(run)
