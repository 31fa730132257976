"""grader/sandbox/inside/wire.py: frames over a pipe, and the parent's distrust of what arrives."""
from __future__ import annotations

import json
import math
import os
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from grader.sandbox.inside import wire
from grader.sandbox.inside.wire import MAX_HEADER, MAX_ITEMS, Deadline, Handle, PeerClosed, ProtocolError, Unsendable

SOON = 5.0  # seconds: a receive that should succeed never waits this long
ALLOWED = sorted(wire.ALLOWED_DTYPES)


@contextmanager
def pipe() -> Iterator[tuple[int, int]]:
    r, w = os.pipe()
    try:
        yield r, w
    finally:
        for fd in (r, w):
            try:
                os.close(fd)
            except OSError:
                pass


def roundtrip(value: Any, handles: dict[int, Any] | None = None) -> wire.Decoded:
    """encode -> send -> receive -> decode, the way parent and worker talk."""
    arrays: list[np.ndarray] = []
    tag = wire.encode(value, arrays)
    with pipe() as (r, w):
        writer = threading.Thread(target=wire.send, args=(w, {"value": tag}, arrays))
        writer.start()
        header, bufs = wire.receive(r, time.monotonic() + SOON)
        writer.join()
    return wire.decode(header["value"], header, bufs, handles)


def raw_frame(header: Any, payload: bytes = b"") -> bytes:
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("!I", len(raw)) + raw + payload


def receive_bytes(data: bytes, *, close: bool = True, timeout: float = SOON, max_bytes: int = 1 << 30):
    """receive() on a pipe holding `data`; the writer end closed (a peer gone) or left open."""
    with pipe() as (r, w):
        os.write(w, data)
        if close:
            os.close(w)
        return wire.receive(r, time.monotonic() + timeout, max_bytes=max_bytes)


def array_desc(dtype: str, shape: list[Any], nbytes: Any) -> dict:
    return {"dtype": dtype, "shape": shape, "nbytes": nbytes}


# --- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALLOWED)
def test_arrays_of_every_allowed_dtype_round_trip(dtype: str):
    rng = np.random.default_rng(0)
    value = (rng.standard_normal((3, 4)) * 50).astype(dtype)

    got = roundtrip(value)

    assert type(got.value) is np.ndarray and got.notes == []
    assert got.value.dtype == np.dtype(dtype) and got.value.shape == (3, 4)
    np.testing.assert_array_equal(got.value, value)  # bit-exact: tolerance 0


@pytest.mark.parametrize("shape", [(0,), (2, 0, 3), (1, 1, 1, 1, 1, 1, 1, 1)])
def test_empty_and_eight_dimensional_arrays_round_trip(shape: tuple[int, ...]):
    value = np.arange(math.prod(shape), dtype=np.float64).reshape(shape)

    got = roundtrip(value).value

    assert got.shape == shape
    np.testing.assert_array_equal(got, value)


def test_a_zero_dimensional_array_keeps_its_shape():
    """np.array(6.0) must not arrive as shape (1,): the student would be told they returned an
    ndarray of shape (1,) (np.ascontiguousarray makes every array at least 1-d)."""
    got = roundtrip(np.array(6.0)).value

    assert got.shape == ()
    assert got[()] == pytest.approx(6.0, abs=0)


def test_non_contiguous_arrays_arrive_with_their_values():
    base = np.arange(24.0).reshape(4, 6)
    for view in (base.T, base[::2, 1::3], np.asfortranarray(base)):
        np.testing.assert_array_equal(roundtrip(view).value, view)


def test_a_large_array_crosses_the_pipe_buffer():
    value = np.random.default_rng(1).standard_normal((512, 512))  # 2 MiB, far over a pipe's 64 KiB
    np.testing.assert_array_equal(roundtrip(value).value, value)


@pytest.mark.parametrize("value", [0, -7, 2**70, 1.5, -0.0, True, False, "", "héllo", None])
def test_scalars_and_none_round_trip_with_their_type(value: Any):
    got = roundtrip(value)

    # The pipe must not change a value at all: equality is the tolerance (0) here.

    assert got.value == value and type(got.value) is type(value)
    assert got.notes == []


def test_non_finite_floats_round_trip():
    got = roundtrip((math.nan, math.inf, -math.inf)).value

    assert math.isnan(got[0]) and got[1] == math.inf and got[2] == -math.inf


def test_nested_tuples_and_lists_keep_their_kind():
    value = (1, [2.5, (None, "x")], (), [])

    got = roundtrip(value).value

    assert got == value
    assert type(got) is tuple and type(got[1]) is list and type(got[1][1]) is tuple and type(got[3]) is list


def test_arrays_inside_sequences_keep_their_order():
    a, b = np.arange(3.0), np.arange(4, dtype=np.int64)

    got = roundtrip([a, (None, b), a]).value

    np.testing.assert_array_equal(got[0], a)
    np.testing.assert_array_equal(got[1][1], b)
    np.testing.assert_array_equal(got[2], a)


def test_handles_round_trip_as_handles_without_a_table():
    assert roundtrip((Handle(7), 1)).value == (Handle(7), 1)


def test_handles_resolve_to_the_kept_object_with_a_table():
    cache = {"opaque": object()}

    assert roundtrip([Handle(3)], handles={3: cache}).value == [cache]


def test_an_unknown_handle_is_a_protocol_error():
    with pytest.raises(ProtocolError, match="unknown handle"):
        roundtrip(Handle(9), handles={3: "x"})


@pytest.mark.parametrize(
    ("value", "kind"),
    [({"a": 1}, "dict"), ({1, 2}, "set"), (np.array([object()]), "ndarray of dtype object"), (object(), "object")],
)
def test_what_cannot_cross_the_pipe_arrives_as_unsendable_naming_its_type(value: Any, kind: str):
    assert roundtrip(value).value == Unsendable(kind)


def test_ndarray_subclass_arrives_as_a_plain_array_with_a_note():
    class Sneaky(np.ndarray):
        pass

    got = roundtrip(np.arange(3.0).view(Sneaky))

    assert type(got.value) is np.ndarray
    np.testing.assert_array_equal(got.value, [0.0, 1.0, 2.0])
    assert got.notes == ["returned a Sneaky instead of a plain type"]


def test_masked_array_leaves_a_note():
    got = roundtrip(np.ma.masked_array([1.0, 2.0], mask=[False, True]))

    assert type(got.value) is np.ndarray
    assert got.notes == ["returned a MaskedArray instead of a plain type"]


@pytest.mark.parametrize(("value", "plain"), [(np.float64(1.5), 1.5), (np.int64(6), 6), (np.bool_(True), True)])
def test_numpy_scalars_arrive_as_python_scalars_with_a_note(value: Any, plain: Any):
    got = roundtrip(value)

    assert got.value == plain and type(got.value) is type(plain)
    assert got.notes == [f"returned a {type(value).__name__} instead of a plain type"]


# --- decoded values never alias the received bytes ------------------------------------------------


def test_decoded_arrays_are_writable_copies_of_the_received_bytes():
    arrays: list[np.ndarray] = []
    tag = wire.encode([np.arange(4.0), np.arange(4.0)], arrays)
    with pipe() as (r, w):
        os.write(w, wire.pack({"value": tag}, arrays))
        header, bufs = wire.receive(r, time.monotonic() + SOON)
    received = np.frombuffer(bufs[0], dtype=np.float64)

    got = wire.decode(header["value"], header, bufs).value

    assert got[0].flags.writeable and got[0].flags.owndata
    assert not np.shares_memory(got[0], received)
    got[0][:] = -1.0
    np.testing.assert_array_equal(received, [0.0, 1.0, 2.0, 3.0])


def test_two_tags_naming_one_array_decode_to_independent_arrays():
    arrays: list[np.ndarray] = []
    tag = wire.encode(np.arange(3.0), arrays)
    header = {"value": {"t": "l", "items": [tag, tag]}, "arrays": wire.describe(arrays)}
    bufs = [a.tobytes() for a in arrays]

    first, second = wire.decode(header["value"], header, bufs).value
    first[0] = 99.0

    assert second[0] == pytest.approx(0.0, abs=0)
    assert not np.shares_memory(first, second)


# --- sequence limits ----------------------------------------------------------------------------


def test_a_sequence_of_max_items_round_trips():
    value = list(range(MAX_ITEMS))
    assert roundtrip(value).value == value


def test_a_longer_sequence_is_encoded_as_unsendable():
    assert wire.encode(list(range(MAX_ITEMS + 1)), []) == {"t": "x", "type": "list"}
    assert roundtrip(tuple(range(MAX_ITEMS + 1))).value == Unsendable("tuple")


def test_four_levels_of_nesting_round_trip_and_a_fifth_is_unsendable():
    assert roundtrip([[[[1]]]]).value == [[[[1]]]]
    assert roundtrip([[[[[1]]]]]).value == [[[[Unsendable("list")]]]]


def test_decode_rejects_a_sequence_longer_than_max_items():
    tag = {"t": "l", "items": [{"t": "n"}] * (MAX_ITEMS + 1)}
    with pytest.raises(ProtocolError, match="bad sequence"):
        wire.decode(tag, {"arrays": []}, [])


def test_decode_rejects_nesting_deeper_than_encode_produces():
    tag: dict = {"t": "n"}
    for _ in range(6):
        tag = {"t": "l", "items": [tag]}
    with pytest.raises(ProtocolError, match="malformed value tag"):
        wire.decode(tag, {"arrays": []}, [])


@pytest.mark.parametrize(
    "tag",
    [
        "not a dict",
        {"t": "q"},
        {"t": "a", "i": 0},  # no such array
        {"t": "a", "i": True},
        {"t": "v", "v": {"a": 1}},
        {"t": "v", "v": "x" * 10_001},
        {"t": "l", "items": "abc"},
    ],
)
def test_decode_rejects_malformed_tags(tag: Any):
    with pytest.raises(ProtocolError):
        wire.decode(tag, {"arrays": []}, [])


# --- receive rejects lies, garbage and stalls ------------------------------------------------------


def test_receive_reads_one_frame_and_leaves_the_next():
    a = np.arange(3.0)
    with pipe() as (r, w):
        os.write(w, wire.pack({"n": 1}, [a]) + wire.pack({"n": 2}, []))
        first = wire.receive(r, time.monotonic() + SOON)
        second = wire.receive(r, time.monotonic() + SOON)

    assert first[0]["n"] == 1 and first[1] == [a.tobytes()]
    assert second[0]["n"] == 2 and second[1] == []


@pytest.mark.parametrize("dtype", ["|O", "<c16", ">f8", "<U3", "<i2", "<f16", "float64", 8])
def test_receive_rejects_a_dtype_outside_the_allow_list(dtype: Any):
    frame = raw_frame({"arrays": [array_desc(dtype, [1], 8)]}, b"\0" * 8)
    with pytest.raises(ProtocolError, match="is not allowed"):
        receive_bytes(frame)


@pytest.mark.parametrize("nbytes", [16, 32, 0, -24, 24.0, "24", None])
def test_receive_rejects_nbytes_that_do_not_match_dtype_and_shape(nbytes: Any):
    frame = raw_frame({"arrays": [array_desc("<f8", [3], nbytes)]}, b"\0" * 24)
    with pytest.raises(ProtocolError, match="claims"):
        receive_bytes(frame)


@pytest.mark.parametrize("shape", [[-1], [1 << 40], [2, -3], [2.0], [True], "3", [1] * 9, None])
def test_receive_rejects_negative_huge_or_malformed_shapes(shape: Any):
    frame = raw_frame({"arrays": [array_desc("|u1", shape, 0)]})
    with pytest.raises(ProtocolError, match="bad shape"):
        receive_bytes(frame)


@pytest.mark.parametrize(
    "shape", [[1 << 32, 1 << 32], [1 << 39, 1 << 24], [(1 << 39) + 1, 1 << 25]], ids=["wraps-to-0", "wraps-negative", "wraps-to-32MiB"]
)
def test_receive_rejects_a_shape_whose_element_count_overflows(shape: list[int]):
    """Each dimension is under the 2**40 cap, but their product overflows int64 (to 0, to -2**63,
    or to 2**25), so a frame can claim a tiny or negative byte count for an impossible array; a
    negative count also cancels other arrays' bytes in the max_bytes total. It must be refused
    before any array bytes are read (the pipe stays open: reading on would end in Deadline)."""
    nbytes = int(np.prod(shape, dtype=np.int64))  # what the wrapped-around check expects
    frame = raw_frame({"arrays": [array_desc("|u1", [8], 8), array_desc("|u1", shape, nbytes)]}, b"\0" * 8)
    with pytest.raises(ProtocolError):
        receive_bytes(frame, close=False, timeout=0.2)


def test_receive_rejects_a_header_over_max_header_before_reading_it():
    # Only the length prefix is sent and the pipe stays open: a reader that tried to read the
    # header would stall into Deadline instead.
    with pytest.raises(ProtocolError, match="exceeds"):
        receive_bytes(struct.pack("!I", MAX_HEADER + 1), close=False, timeout=1.0)


def test_receive_rejects_arrays_over_max_bytes_before_reading_them():
    frame = raw_frame({"arrays": [array_desc("<f8", [100], 800)]})  # no array bytes follow
    with pytest.raises(ProtocolError, match="exceed the 799-byte cap"):
        receive_bytes(frame, close=False, timeout=1.0, max_bytes=799)


def test_arrays_exactly_at_max_bytes_are_received():
    header, bufs = receive_bytes(raw_frame({"arrays": [array_desc("<f8", [100], 800)]}, b"\0" * 800), max_bytes=800)
    assert [len(b) for b in bufs] == [800]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\0\0",  # half a length prefix
        struct.pack("!I", 100) + b'{"op": ',  # a header cut short
        raw_frame({"arrays": [array_desc("<f8", [4], 32)]}, b"\0" * 20),  # array bytes cut short
    ],
    ids=["nothing", "half-prefix", "short-header", "short-array"],
)
def test_a_truncated_frame_from_a_closed_peer_is_peer_closed(data: bytes):
    with pytest.raises(PeerClosed):
        receive_bytes(data)


@pytest.mark.parametrize(
    "header",
    [b"{not json", b"\xff\xfe\xfd", b"[1, 2]", b'"text"', b'{"arrays": 5}', b'{"arrays": [7]}'],
    ids=["garbage", "not-utf8", "a-list", "a-string", "arrays-not-a-list", "descriptor-not-an-object"],
)
def test_garbage_headers_are_protocol_errors(header: bytes):
    with pytest.raises(ProtocolError):
        receive_bytes(raw_frame(header))


def test_a_silent_peer_runs_into_the_deadline():
    with pipe() as (r, _w):
        start = time.monotonic()
        with pytest.raises(Deadline):
            wire.receive(r, start + 0.2)
        waited = time.monotonic() - start

    assert waited == pytest.approx(0.2, abs=0.5)


def test_a_frame_that_stops_halfway_runs_into_the_deadline():
    frame = raw_frame({"arrays": [array_desc("<f8", [4], 32)]}, b"\0" * 8)
    start = time.monotonic()
    with pytest.raises(Deadline):
        receive_bytes(frame, close=False, timeout=0.2)

    assert time.monotonic() - start == pytest.approx(0.2, abs=0.5)


def test_send_to_a_reader_that_never_reads_runs_into_the_deadline():
    with pipe() as (_r, w):
        os.set_blocking(w, False)
        with pytest.raises(Deadline):
            wire.send(w, {"op": "x"}, [np.zeros(1 << 17)], time.monotonic() + 0.2)  # 1 MiB > pipe buffer


def test_send_to_a_closed_reader_is_peer_closed():
    with pipe() as (r, w):
        os.close(r)
        with pytest.raises(PeerClosed):
            wire.send(w, {"op": "x"}, [])


# --- encode sends only what decode accepts ---------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.complex128, np.int16, np.dtype(">f8")])
def test_encode_sends_an_array_of_a_dtype_outside_the_allow_list_as_unsendable(dtype: Any):
    """A student's complex (np.fft) or int16 result must reach the parent as a wrong-type answer,
    not as a frame that `receive` rejects (which the parent reports as a broken worker)."""
    value = np.zeros(2, dtype=dtype)

    got = roundtrip(value).value

    assert isinstance(got, Unsendable) and str(np.dtype(dtype)) in got.type
