"""grader/sandbox/inside/guard.py: the worker's import hook and seccomp filter, installed in a child process.

The seccomp filter cannot be removed once installed, so it never goes into the pytest process:
one child loads guard.py by path (as the worker does), installs it, tries each forbidden and
allowed action, and prints what happened as JSON.
"""
from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

import pytest

GUARD = Path(__file__).resolve().parent.parent / "grader" / "sandbox" / "inside" / "guard.py"

PROBES = r'''
import importlib.util, json, os, socket, subprocess, sys, threading, types

spec = importlib.util.spec_from_file_location("_gradelab_guard", sys.argv[1])
guard = importlib.util.module_from_spec(spec)
spec.loader.exec_module(guard)

sys.modules["jax"] = types.ModuleType("jax")  # "imported" before the guard: install() drops it
guard.install(seccomp=True)
results = {"seccomp": guard.state["seccomp"]}


def probe(name, action):
    try:
        value = action()
    except BaseException as exc:
        results[name] = {"ok": False, "type": type(exc).__name__, "message": str(exc)}
    else:
        results[name] = {"ok": True, "value": value}


def fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)  # only if the filter failed: the child must not run the probes again
    os.waitpid(pid, 0)


def thread():
    seen = []
    t = threading.Thread(target=lambda: seen.append(sum(range(10))))
    t.start()
    t.join()
    return seen


def numpy_works():
    import numpy as np
    return float((np.ones((3, 4)) @ np.arange(4.0)).sum())


def unix_socket():
    socket.socket(socket.AF_UNIX).close()
    a, b = socket.socketpair()
    a.close(), b.close()


def violations_after(name, action):
    guard.state["violations"].clear()
    probe(name, action)
    results[name]["violations"] = list(guard.state["violations"])


violations_after("import_torch", lambda: __import__("torch"))
violations_after("import_torch_nn", lambda: __import__("torch.nn"))
violations_after("dynamic_import", lambda: __import__("to" + "rch"))
violations_after("import_module", lambda: __import__("importlib").import_module("scipy.signal"))
violations_after("preimported", lambda: __import__("jax"))
probe("fork", fork)
probe("subprocess", lambda: subprocess.run(["true"]).returncode)
probe("inet_socket", lambda: socket.socket().close())
probe("inet6_socket", lambda: socket.socket(socket.AF_INET6).close())
probe("unix_socket", unix_socket)
probe("kill_init", lambda: os.kill(1, 0))
probe("kill_self", lambda: os.kill(os.getpid(), 0))
probe("thread", thread)
probe("numpy", numpy_works)
print(json.dumps(results))
'''


@pytest.fixture(scope="module")
def guarded() -> dict:
    proc = subprocess.run(
        [sys.executable, "-I", "-c", PROBES, str(GUARD)], capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "2"},
    )
    assert proc.returncode == 0, f"the guarded child failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.fixture
def seccomp(guarded: dict) -> dict:
    if platform.machine() != "x86_64" or sys.platform != "linux":
        pytest.skip(f"the seccomp filter is x86-64 Linux only (this is {sys.platform} {platform.machine()})")
    return guarded


def _refused(result: dict, error: str) -> bool:
    return not result["ok"] and result["type"] == error


@pytest.mark.parametrize(
    ("probe", "name"),
    [("import_torch", "torch"), ("import_torch_nn", "torch"), ("dynamic_import", "torch"), ("import_module", "scipy")],
)
def test_forbidden_import_raises_import_error_naming_the_module(guarded: dict, probe: str, name: str):
    result = guarded[probe]

    assert _refused(result, "ForbiddenImport")  # a subclass of ImportError
    assert f"'{name}'" in result["message"]
    assert result["violations"] == [name]


def test_a_forbidden_module_imported_before_install_is_dropped(guarded: dict):
    assert _refused(guarded["preimported"], "ForbiddenImport")
    assert guarded["preimported"]["violations"] == ["jax"]


def test_numpy_still_imports_and_computes(guarded: dict):
    assert guarded["numpy"]["ok"], guarded["numpy"]
    assert guarded["numpy"]["value"] == pytest.approx(18.0, rel=1e-12)


def test_the_filter_reports_itself_installed(seccomp: dict):
    assert seccomp["seccomp"] is True


@pytest.mark.parametrize("probe", ["fork", "subprocess"])
def test_starting_a_process_is_refused(seccomp: dict, probe: str):
    assert _refused(seccomp[probe], "PermissionError"), seccomp[probe]


@pytest.mark.parametrize("probe", ["inet_socket", "inet6_socket"])
def test_network_sockets_are_refused(seccomp: dict, probe: str):
    assert _refused(seccomp[probe], "PermissionError"), seccomp[probe]


def test_unix_sockets_still_work(seccomp: dict):
    assert seccomp["unix_socket"]["ok"], seccomp["unix_socket"]


def test_signalling_another_process_is_refused(seccomp: dict):
    assert _refused(seccomp["kill_init"], "PermissionError"), seccomp["kill_init"]


def test_signalling_itself_still_works(seccomp: dict):
    assert seccomp["kill_self"]["ok"], seccomp["kill_self"]


def test_threads_still_run(seccomp: dict):
    assert seccomp["thread"] == {"ok": True, "value": [45]}
