"""The pipe protocol between the grader and a worker: a JSON header plus raw array bytes.

Frame: 4-byte big-endian header length, the UTF-8 JSON header, then the raw bytes of each array
the header describes, in order. Values inside a header are tagged:
  {"t": "a", "i": k}           array k of the frame (its dtype/shape/nbytes in header["arrays"][k])
  {"t": "v", "v": 3}           a JSON scalar (int, float, bool, str)
  {"t": "n"}                   None
  {"t": "l", "items": [...]}   a tuple or list
  {"t": "h", "id": 7}          a handle to an object kept inside the worker (a forward's cache)
  {"t": "x", "type": "set"}    something that cannot cross the pipe

This module is imported by the worker before any student code runs, and by the parent, which
trusts nothing in what comes back: `decode` checks each array's dtype against an allow-list,
its shape, its byte count and a byte cap before `np.frombuffer` rebuilds it.
"""

from __future__ import annotations

import json
import math
import os
import re
import select
import struct
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FLOAT_DTYPES = frozenset({"<f2", "<f4", "<f8"})
# Integer and bool arrays cross for two reasons only: the inputs a spec declares with no gradient
# (integer targets, boolean masks; the parent's call wrapper sends no other, see
# grader.engine.calls.sendable_args), and a student's wrong return, which the contract check names.
INDEX_DTYPES = frozenset({"<i4", "<i8", "|u1", "|b1", "<u4", "<u8", "|i1"})
ALLOWED_DTYPES = FLOAT_DTYPES | INDEX_DTYPES
MAX_HEADER = 1 << 20
MAX_ITEMS = 4096


class ProtocolError(Exception):
    """A frame that breaks the protocol: a lie about sizes, a banned dtype, garbage."""


class PeerClosed(Exception):
    """The other end closed the pipe (a worker that died or exited)."""


class Deadline(Exception):
    """No complete frame arrived before the deadline."""


@dataclass(frozen=True)
class Handle:
    id: int


@dataclass
class Decoded:
    """A decoded value plus what the decoder noticed about it (e.g. an ndarray subclass)."""

    value: Any
    notes: list[str] = field(default_factory=list)


def encode(value: Any, arrays: list[np.ndarray], depth: int = 0) -> dict:
    """Tag `value` for a header, appending its arrays (as C-contiguous base ndarrays) to `arrays`.
    Nesting deeper than `decode` accepts, or longer sequences, are sent as unsendable."""
    if isinstance(value, Handle):
        return {"t": "h", "id": value.id}
    if isinstance(value, np.ndarray):
        tag: dict[str, Any] = {"t": "a", "i": len(arrays)}
        if type(value) is not np.ndarray:
            tag["cls"] = type(value).__name__
        if value.dtype.str not in ALLOWED_DTYPES:
            return {"t": "x", "type": f"ndarray of dtype {value.dtype}"}
        # np.array keeps 0-d shapes (ascontiguousarray would make them 1-d) and drops subclasses.
        arrays.append(np.array(value, dtype=value.dtype, order="C", copy=True, subok=False))
        return tag
    if value is None:
        return {"t": "n"}
    if isinstance(value, (bool, int, float, str, np.bool_, np.integer, np.floating)):
        tag = {"t": "v", "v": value.item() if isinstance(value, np.generic) else value}
        if type(value) not in (bool, int, float, str):
            tag["cls"] = type(value).__name__
        return tag
    if isinstance(value, (tuple, list)) and depth < 4 and len(value) <= MAX_ITEMS:
        return {"t": "l", "items": [encode(v, arrays, depth + 1) for v in value], "list": isinstance(value, list)}
    return {"t": "x", "type": type(value).__name__}


def describe(arrays: list[np.ndarray]) -> list[dict]:
    return [{"dtype": a.dtype.str, "shape": list(a.shape), "nbytes": int(a.nbytes)} for a in arrays]


def pack(header: dict, arrays: list[np.ndarray]) -> bytes:
    header = {**header, "arrays": describe(arrays)}
    raw = json.dumps(header).encode()
    return b"".join([struct.pack("!I", len(raw)), raw, *(a.tobytes() for a in arrays)])


def send(fd: int, header: dict, arrays: list[np.ndarray], deadline: float | None = None) -> None:
    """Write one frame; with a deadline the fd must be non-blocking and a stuck reader raises."""
    view = memoryview(pack(header, arrays))
    while view:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([], [fd], [], wait)[1]:
                raise Deadline()
        try:
            n = os.write(fd, view)
        except BlockingIOError:
            continue
        except BrokenPipeError:
            raise PeerClosed() from None
        view = view[n:]


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    left = n
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise Deadline()
        chunk = os.read(fd, min(left, 1 << 22))
        if not chunk:
            raise PeerClosed()
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(fd: int, deadline: float | None = None, max_bytes: int = 1 << 30) -> tuple[dict, list[bytes]]:
    """Read one frame. Sizes are checked against the caps before anything big is read."""
    (length,) = struct.unpack("!I", _read_exact(fd, 4, deadline))
    if length > MAX_HEADER:
        raise ProtocolError(f"header of {length} bytes exceeds the {MAX_HEADER}-byte cap")
    try:
        header = json.loads(_read_exact(fd, length, deadline))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"unreadable header: {exc}") from None
    if not isinstance(header, dict) or not isinstance(header.get("arrays", []), list):
        raise ProtocolError("header is not an object with an array list")
    total = 0
    for desc in header.get("arrays", []):
        total += _checked_nbytes(desc)
    if total > max_bytes:
        raise ProtocolError(f"{total} bytes of arrays exceed the {max_bytes}-byte cap")
    bufs = [_read_exact(fd, d["nbytes"], deadline) for d in header.get("arrays", [])]
    return header, bufs


def _checked_nbytes(desc: Any) -> int:
    if not isinstance(desc, dict):
        raise ProtocolError("array descriptor is not an object")
    dtype, shape, nbytes = desc.get("dtype"), desc.get("shape"), desc.get("nbytes")
    if dtype not in ALLOWED_DTYPES:
        raise ProtocolError(f"dtype {dtype!r} is not allowed")
    if not isinstance(shape, list) or len(shape) > 8 or not all(type(s) is int and 0 <= s < 1 << 40 for s in shape):
        raise ProtocolError(f"bad shape {shape!r}")
    expected = math.prod(shape) * np.dtype(dtype).itemsize  # Python ints: no int64 wrap-around
    if type(nbytes) is not int or nbytes != expected:
        raise ProtocolError(f"array claims {nbytes!r} bytes but dtype {dtype} and shape {shape} need {expected}")
    return nbytes


def decode(tag: Any, header: dict, bufs: list[bytes], handles: dict[int, Any] | None = None) -> Decoded:
    """Rebuild a tagged value. Arrays become fresh read-write ndarrays; notes record oddities."""
    notes: list[str] = []
    value = _decode(tag, header, bufs, handles, notes, depth=0)
    return Decoded(value, notes)


def _decode(tag: Any, header: dict, bufs: list[bytes], handles: dict[int, Any] | None, notes: list[str], depth: int) -> Any:
    if depth > 4 or not isinstance(tag, dict):
        raise ProtocolError("malformed value tag")
    t = tag.get("t")
    if "cls" in tag:
        notes.append(f"returned a {safe_name(tag['cls'])} instead of a plain type")
    if t == "a":
        i = tag.get("i")
        descs = header.get("arrays", [])
        if type(i) is not int or not 0 <= i < len(descs):
            raise ProtocolError("array index out of range")
        desc = descs[i]
        _checked_nbytes(desc)
        arr = np.frombuffer(bufs[i], dtype=np.dtype(desc["dtype"])).reshape(desc["shape"])
        return arr.copy()
    if t == "v":
        v = tag.get("v")
        if not isinstance(v, (bool, int, float, str)) or (isinstance(v, str) and len(v) > 10_000):
            raise ProtocolError("bad scalar")
        return v
    if t == "n":
        return None
    if t == "l":
        items = tag.get("items")
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise ProtocolError("bad sequence")
        seq = [_decode(x, header, bufs, handles, notes, depth + 1) for x in items]
        return seq if tag.get("list") else tuple(seq)
    if t == "h":
        hid = tag.get("id")
        if handles is None:
            return Handle(hid)  # type: ignore[arg-type]  # checked where the handle is used, in the worker
        if hid not in handles:
            raise ProtocolError(f"unknown handle {hid!r}")
        return handles[hid]
    if t == "x":
        return Unsendable(safe_name(tag.get("type"), 80))
    raise ProtocolError(f"unknown tag {t!r}")


def safe_name(name: Any, limit: int = 60) -> str:
    """A type name from the worker, reduced to harmless characters (it is student-controlled).

    grader.text.type_name's rule: this module stands alone, so it keeps its own copy."""
    return re.sub(r"[^A-Za-z0-9_. \[\]<>,()-]", "?", str(name))[:limit]


@dataclass(frozen=True)
class Unsendable:
    """A value the worker could not send: the parent reports its type."""

    type: str
