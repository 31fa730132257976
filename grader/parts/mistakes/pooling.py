"""The classic mistakes of max and average pooling (grader/parts/pooling.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

import reference.pooling
from grader.compare import Tolerance, compare
from grader.spec import Case, Diagnosis, Seen, Signature
from reference.autograd import pair

TOL = Tolerance(rtol=1e-7, atol=1e-9)


def _windows(case: Case, out_shape: tuple[int, ...]) -> tuple[tuple[int, int], tuple[int, int]]:
    kh, kw = pair(case.get("kernel_size"))
    stride = case.get("stride")
    return (kh, kw), pair((kh, kw) if stride is None else stride)


def _last_maximum(case: Case, dout: np.ndarray) -> np.ndarray:
    """Each window's gradient routed to its last maximum in row-major order (the mistake)."""
    x = case.get("x")
    (kh, kw), (sh, sw) = _windows(case, dout.shape)
    dx = np.zeros_like(x)
    for r in range(dout.shape[2]):
        for s in range(dout.shape[3]):
            win = x[:, :, r * sh : r * sh + kh, s * sw : s * sw + kw].reshape(*x.shape[:2], -1)
            last = kh * kw - 1 - np.argmax(win[..., ::-1], axis=-1)
            i, j = np.divmod(last, kw)
            for n in range(x.shape[0]):
                for c in range(x.shape[1]):
                    dx[n, c, r * sh + i[n, c], s * sw + j[n, c]] += dout[n, c, r, s]
    return dx


def _by_kh(case: Case, dout: np.ndarray) -> tuple[Any, ...]:
    """Where the argmax of each flattened window lands when unravelled as (idx // KH, idx % KH)."""
    x = case.get("x")
    (kh, kw), (sh, sw) = _windows(case, dout.shape)
    h_out, w_out = dout.shape[2:]
    win = np.stack([x[:, :, i : i + sh * h_out : sh, j : j + sw * w_out : sw] for i in range(kh) for j in range(kw)], axis=-1)
    flat = win.argmax(axis=-1)
    n, c, r, s = np.indices(dout.shape)
    return n, c, r * sh + flat // kh, s * sw + flat % kh


def _unravelled_by_kh(case: Case, dout: np.ndarray) -> np.ndarray | None:
    x = case.get("x")
    n, c, rows, cols = _by_kh(case, dout)
    if rows.max() >= x.shape[2] or cols.max() >= x.shape[3]:
        return None  # that code raises here: see _indexed_off_the_map
    dx = np.zeros_like(x)
    np.add.at(dx, (n, c, rows, cols), dout)
    return dx


def _indexed_off_the_map(seen: Seen) -> bool:
    """An IndexError on a case where unravelling by KH lands off the map (only non-square kernels)."""
    x = seen.case.get("x")
    _, _, rows, cols = _by_kh(seen.case, seen.dout)
    off = rows.max() >= x.shape[2] or cols.max() >= x.shape[3]
    return off and "IndexError" in seen.error and "out of bounds" in seen.error


def _stride_one(forward):
    """The forward with stride 1 where the caller left it out (it defaults to the kernel)."""

    def variant(case: Case, dout: object) -> np.ndarray | None:
        if case.get("stride") is not None:
            return None
        return forward(case.get("x"), case.get("kernel_size"), 1)[0]

    return variant


def _only_overlaps_wrong(seen: Seen) -> bool:
    """dx is right wherever one window covers the input, and wrong only where windows overlap."""
    a, e = seen.actual, seen.expected
    if not isinstance(a, np.ndarray) or a.shape != e.shape or not isinstance(seen.dout, np.ndarray):
        return False
    (kh, kw), (sh, sw) = _windows(seen.case, seen.dout.shape)
    covered = np.zeros(e.shape[2:], dtype=int)
    for r in range(seen.dout.shape[2]):
        for s in range(seen.dout.shape[3]):
            covered[r * sh : r * sh + kh, s * sw : s * sw + kw] += 1
    wrong = ~np.isclose(a, e, rtol=TOL.rtol, atol=TOL.atol)
    return bool(wrong.any()) and not (wrong & (covered < 2)).any()


def _divided_wrongly(seen: Seen) -> bool:
    """dx is the right one times KH*KW over a wrong divisor: 1, the stride's area, or KH*KH."""
    a, e = seen.actual, seen.expected
    if not isinstance(a, np.ndarray) or a.shape != e.shape:
        return False
    (kh, kw), (sh, sw) = _windows(seen.case, e.shape)
    factors = {kh * kw / d for d in (1, sh * sw, kh * kh)} - {1.0}
    return any(compare(a, e * f, TOL).ok for f in factors)


MAX_BACKWARD = "max_pool2d_backward"
UNRAVEL = (
    "your dx sends a window's gradient to the wrong element of a non-square window: the argmax k of a flattened KH x KW window is row k // KW, column k % KW (np.unravel_index(k, (KH, KW))); "
    "yours divides by KH"
)

POOLING_MISTAKES: tuple[Diagnosis | Signature, ...] = (
    Diagnosis(
        key="maxpool-last-maximum",
        function=MAX_BACKWARD,
        output=0,
        hint="your dx sends each window's gradient to its last tied maximum; it belongs to the first maximum in row-major order (what argmax returns, as PyTorch does)",
        variant=_last_maximum,
    ),
    Diagnosis(
        key="maxpool-argmax-unravel-width",
        function=MAX_BACKWARD,
        output=0,
        hint=UNRAVEL,
        variant=_unravelled_by_kh,
    ),
    Signature(
        key="maxpool-argmax-unravel-width",
        function=MAX_BACKWARD,
        output=0,
        on_error=True,
        hint=UNRAVEL,
        matches=_indexed_off_the_map,
    ),
    *(
        Diagnosis(
            key="pool-stride-default-one",
            function=forward,
            hint="your output is the pooling with stride 1 where stride was left out (None); a left-out stride defaults to the kernel size, so the windows do not overlap",
            variant=_stride_one(fn),
        )
        for forward, fn in (
            ("max_pool2d_forward", reference.pooling.max_pool2d_forward),
            ("avg_pool2d_forward", reference.pooling.avg_pool2d_forward),
        )
    ),
    Signature(
        key="maxpool-overwrite-overlap",
        function=MAX_BACKWARD,
        output=0,
        hint="your dx is wrong only where windows overlap (stride < kernel): a window's gradient is assigned (dx[...] = ...) and overwrites an earlier window's; accumulate with +=",
        matches=_only_overlaps_wrong,
    ),
    Signature(
        key="avgpool-divisor",
        function="avg_pool2d_backward",
        output=0,
        hint="your dx is the right one times a constant: every input of a window gets dout / (KH*KW), the window's size; not dout itself, not dout over the stride's area or KH*KH",
        matches=_divided_wrongly,
    ),
)
