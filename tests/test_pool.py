"""grader/sandbox/client.py: calling student functions in a worker, and surviving what they do.

Every test runs under both launchers: the plain process, and the strongest one available
("auto": bubblewrap where it can start a sandbox here).
"""
from __future__ import annotations

import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox import cputime
from grader.options import Limits
from grader.sandbox.client import StudentError, Worker, WorkerDied, WorkerTimeout
from grader.sandbox.inside import wire
from grader.sandbox.launch import Launcher, choose_launcher
from grader.sandbox.staging import stage
from grader.sandbox.inside.wire import Handle

LIMITS = Limits(call_seconds=1)
EXACT = dict(rtol=0, atol=0)  # copies of small integers and halves: exact in float64

STUDENT = '''
import json
import os
import struct
import sys
import time

import numpy as np


def add(a, b):
    return a + b


def boom(x):
    raise ValueError(f"bad input {x}")


def hang():
    time.sleep(60)


def die():
    os._exit(3)


def chatty(n):
    print("x" * n)
    return n


def colourful():
    print("\\x1b[31mred\\x1b[0m plain\\x07\\x08\\x00 tab\\there \\x1b]0;title\\x07done")


def forward(x):
    return x * 2, {"x": x}


def backward(dout, cache):
    return dout * cache["x"]


def scale_in_place(x):
    x *= 2


def burn(seconds):
    """Spin on the CPU for `seconds` of this thread's CPU time."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass
    return seconds


def spin_in_background():
    """A thread that keeps running after the call returns."""
    import threading

    threading.Thread(target=lambda: burn(3600), daemon=True).start()


def _forge(header):
    """Write a frame of our own into the reply pipe, ahead of the worker's real reply."""
    wfd = json.loads(sys.argv[1])["wfd"]
    raw = json.dumps(header).encode()
    os.write(wfd, struct.pack("!I", len(raw)) + raw)


def forge_error():
    _forge({"ok": False, "error": "not a dict"})


def forge_value():
    _forge({"ok": True, "result": "not a tag", "arrays": []})


def forge_overflow():
    _forge({"ok": True, "result": {"t": "a", "i": 0}, "arrays": [{"dtype": "<f8", "shape": [2**32, 2**32], "nbytes": 0}]})
'''


@pytest.fixture(params=["process", "auto"])
def launcher(request: pytest.FixtureRequest) -> Launcher:
    chosen = choose_launcher(request.param)
    if request.param == "auto" and chosen.label == "process":
        pytest.skip("'auto' fell back to the plain process here (no working bubblewrap)")
    return chosen


@pytest.fixture
def worker(tmp_path: Path, launcher: Launcher) -> Iterator[Worker]:
    src = tmp_path / "src" / "assignments"
    src.mkdir(parents=True)
    (src / "__init__.py").write_text("")
    (src / "m.py").write_text(textwrap.dedent(STUDENT))
    staged = stage(tmp_path / "src", tmp_path / "stage" / "sub", ["m"])
    with Worker(staged.root, LIMITS, launcher) as w:
        yield w


def _works(worker: Worker) -> None:
    np.testing.assert_allclose(worker.call("m", "add", [np.arange(3.0), 1.0]).value, [1.0, 2.0, 3.0], **EXACT)


def test_the_worker_reports_the_isolation_in_force(worker: Worker, launcher: Launcher):
    reply = worker.hello()

    assert reply["ok"]
    assert worker.sandbox.startswith(launcher.label)
    assert worker.sandbox.endswith("+seccomp") == bool(reply["seccomp"])


def test_a_call_returns_arrays(worker: Worker):
    result = worker.call("m", "add", [np.ones((2, 3)), np.arange(3.0)])

    assert type(result.value) is np.ndarray and result.value.shape == (2, 3)
    np.testing.assert_allclose(result.value, np.ones((2, 3)) + np.arange(3.0), **EXACT)
    assert result.notes == [] and result.seconds > 0


def test_a_raising_function_gives_student_error_with_a_traceback_of_their_file(worker: Worker):
    with pytest.raises(StudentError) as info:
        worker.call("m", "boom", [7])

    err = info.value
    assert (err.type, err.text) == ("ValueError", "bad input 7")
    assert "assignments/m.py" in err.traceback and 'raise ValueError(f"bad input {x}")' in err.traceback
    assert "server.py" not in err.traceback  # the grader's own frames are left out
    _works(worker)  # an exception does not cost the worker


def test_a_hang_is_stopped_near_the_limit_and_the_next_call_restarts(worker: Worker):
    _works(worker)
    start = time.monotonic()
    with pytest.raises(WorkerTimeout, match="within 1 s"):
        worker.call("m", "hang", [])
    stopped_after = time.monotonic() - start

    assert stopped_after == pytest.approx(LIMITS.call_seconds, abs=1.0)
    _works(worker)
    assert (worker.restarts, worker.generation) == (1, 2)


def test_a_function_that_hung_once_is_not_called_again(worker: Worker):
    with pytest.raises(WorkerTimeout):
        worker.call("m", "hang", [])
    start = time.monotonic()
    with pytest.raises(WorkerTimeout, match="not called again"):
        worker.call("m", "hang", [])

    assert time.monotonic() - start < 0.5
    _works(worker)  # other functions still run


def test_os_exit_gives_worker_died_and_the_next_call_restarts(worker: Worker):
    _works(worker)
    with pytest.raises(WorkerDied, match="exited with status 3"):
        worker.call("m", "die", [])

    _works(worker)
    assert worker.restarts == 1


def test_printed_output_is_captured_and_truncated_with_a_note(worker: Worker):
    assert worker.call("m", "chatty", [100_000]).value == 100_000

    text = worker.output()

    note = f"\n[output truncated at {LIMITS.output_bytes // 1024} KB]"
    assert text.endswith(note)
    body = text[: -len(note)]
    assert len(body) == LIMITS.output_bytes and set(body) == {"x"}


def test_short_output_is_kept_whole(worker: Worker):
    worker.call("m", "chatty", [10])
    assert worker.output() == "x" * 10 + "\n"


def test_ansi_escapes_and_control_characters_are_stripped_from_output(worker: Worker):
    worker.call("m", "colourful", [])

    text = worker.output()

    assert text == "red plain tab\there done\n"


def test_keep_returns_a_handle_usable_in_a_later_call(worker: Worker):
    x = np.array([1.0, -2.0, 3.0])

    out, handle = worker.call("m", "forward", [x], keep=1).value
    dx = worker.call("m", "backward", [np.full(3, 0.5), handle], release=(handle,)).value

    assert isinstance(handle, Handle)
    np.testing.assert_allclose(out, 2 * x, **EXACT)
    np.testing.assert_allclose(dx, 0.5 * x, **EXACT)


def test_a_released_handle_cannot_be_used_again(worker: Worker):
    _, handle = worker.call("m", "forward", [np.ones(2)], keep=1).value
    worker.call("m", "backward", [np.ones(2), handle], release=(handle,))

    with pytest.raises(StudentError, match="unknown handle"):
        worker.call("m", "backward", [np.ones(2), handle])


def test_return_args_shows_an_in_place_modification(worker: Worker):
    x = np.array([1.0, 2.0])

    result = worker.call("m", "scale_in_place", [x], return_args=True)

    assert result.value is None
    np.testing.assert_allclose(result.args[0], [2.0, 4.0], **EXACT)
    np.testing.assert_allclose(x, [1.0, 2.0], **EXACT)  # the parent's copy is untouched


@pytest.mark.parametrize("forgery", ["forge_error", "forge_value", "forge_overflow"])
def test_a_forged_reply_from_student_code_surfaces_as_a_worker_exception(worker: Worker, forgery: str):
    """Student code can write to the worker's reply pipe (its fd is in sys.argv). Whatever it
    writes, the parent must answer with one of pool's three exceptions, never an AttributeError,
    ValueError or wire.ProtocolError that the checks do not expect."""
    with pytest.raises((StudentError, WorkerDied, WorkerTimeout)):
        worker.call("m", forgery, [])


def test_a_call_request_names_nothing_but_the_call(worker: Worker, monkeypatch: pytest.MonkeyPatch):
    # A timed call's request must not tell the worker which part of the result gets verified.
    sent: list[dict] = []
    real = wire.send
    monkeypatch.setattr(wire, "send", lambda fd, header, arrays, *a: (sent.append(header), real(fd, header, arrays, *a))[1])

    worker.call("m", "add", [np.ones(4), 1.0], cpu=True)

    assert set(sent[-1]) == {"op", "module", "func", "args", "keep", "omit", "release", "return_args", "id"}


@pytest.mark.skipif(not cputime.available(), reason="no per-process CPU clock or /proc here")
def test_cpu_seconds_count_the_call_s_cpu_time_not_its_wall_time(worker: Worker):
    _works(worker)  # the worker's start and the module's import are not the call's
    result = worker.call("m", "burn", [0.2], cpu=True)

    assert result.cpu_seconds == pytest.approx(0.2, abs=0.05)  # the call's own CPU time, whatever the load
    assert result.seconds >= result.cpu_seconds - 0.01


@pytest.mark.skipif(not cputime.available(), reason="no per-process CPU clock or /proc here")
def test_freeze_stops_every_thread_of_the_worker_until_the_next_request(worker: Worker):
    worker.call("m", "spin_in_background", [])
    assert worker.freeze()
    pids = list(worker.frozen or [])
    assert pids and all(set(cputime.state(p)) <= set("TtZX") for p in pids), [cputime.state(p) for p in pids]
    before = cputime.cpu_ns(pids)
    time.sleep(0.2)
    assert cputime.spent_ns(before, cputime.cpu_ns(pids)) < 5e6  # the spinning thread did not run: < 5 ms in 200 ms

    _works(worker)  # the next request thaws it
    assert worker.frozen is None and "T" not in cputime.state(pids[-1])
