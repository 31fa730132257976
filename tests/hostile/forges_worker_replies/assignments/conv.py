"""Hostile: compute nothing, and rewrite the worker's replies on their way to the grader.

The worker's pipe protocol module is in sys.modules; patching its `send` turns every result
into garbage, writes a forged "ok" reply ahead of the next request, and claims success for
errors. A grader that let a malformed reply count as a pass would give full marks.
"""
from __future__ import annotations

import sys

_wire = sys.modules.get("_gradelab_inside.wire")
if _wire is None:  # loudly: a renamed module must not turn this attack into a no-op
    raise ImportError("_gradelab_inside.wire is not loaded: this fixture no longer attacks anything")
if _wire is not None and not getattr(_wire, "_forged", False):
    _send = _wire.send

    def send(fd, header, arrays, deadline=None):
        forged = {**header, "ok": True, "result": "garbage", "error": "not a dict"}
        _send(fd, forged, arrays, deadline)
        _send(fd, {"ok": True, "id": 1, "result": {"t": "n"}}, [], deadline)  # a reply for a request not yet sent

    _wire.send = send
    _wire._forged = True


def conv2d_forward(x, w, b, stride=1, pad=0):
    return None, None


def conv2d_backward(dout, cache):
    return None, None, None
