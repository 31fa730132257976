"""The classic mistakes of a 2-D convolution (grader/parts/conv.py), each with the lecture's rule.

Variants are computed in the parent from the reference (F.conv2d) on a changed case, or from
its padded-input gradient; signatures read the failing output's shape, dtype or gradient axes.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

import reference.conv
from grader.compare import Tolerance, compare
from grader.spec import Case, Diagnosis, Seen, Signature
from reference.autograd import pair

PAD_ONE_SIDE = (
    "your output is a convolution of x padded on one side only (zeros only at the top and left, or x at the top left of the padded array "
    "with all 2*pad zeros below and to the right); pad adds pad_h rows above AND below and pad_w columns left AND right: "
    "np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))"
)
F_OUT = "H_out = floor((H + 2*pad_h - KH) / stride_h) + 1 (W_out alike, from W, pad_w, KW and stride_w)"


def _geometry(case: Case) -> tuple[int, int, int, int, int, int, int, int]:
    """(H, W, KH, KW, sh, sw, ph, pw) of a case."""
    h, w = case.get("x").shape[2:]
    kh, kw = case.get("w").shape[2:]
    return (h, w, kh, kw, *pair(case.get("stride")), *pair(case.get("pad")))


def _forward(case: Case) -> np.ndarray:
    return reference.conv.conv2d_forward(*case.args())[0]


def _backward(case: Case, dout: np.ndarray) -> tuple[np.ndarray, ...]:
    _, tape = reference.conv.conv2d_forward(*case.args())
    return tuple(reference.conv.conv2d_backward(dout, tape))


def _padded_dx(case: Case, dout: np.ndarray) -> np.ndarray:
    """The gradient of the zero-padded input: dx before any crop."""
    _, _, _, _, _, _, ph, pw = _geometry(case)
    xp = np.pad(case.get("x"), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    return _backward(case.replace("x", xp).replace("pad", 0), dout)[0]


def _pad_one_side(case: Case, dout: object) -> np.ndarray:
    _, _, _, _, _, _, ph, pw = _geometry(case)
    xp = np.pad(case.get("x"), ((0, 0), (0, 0), (ph, 0), (pw, 0)))
    return _forward(case.replace("x", xp).replace("pad", 0))


def _pad_after(case: Case, dout: object) -> np.ndarray:
    """x copied into the top-left corner of the padded array: all 2 * pad rows and columns of
    zeros below and to the right."""
    _, _, _, _, _, _, ph, pw = _geometry(case)
    xp = np.pad(case.get("x"), ((0, 0), (0, 0), (0, 2 * ph), (0, 2 * pw)))
    return _forward(case.replace("x", xp).replace("pad", 0))


def _strides_swapped(case: Case, dout: object) -> np.ndarray:
    sh, sw = pair(case.get("stride"))
    return _forward(case.replace("stride", (sw, sh)))


def _crop(case: Case, dout: np.ndarray) -> np.ndarray | None:
    """dx_pad[p:-p]: empty at pad 0. A fixed [1:-1] crop leaves the same empty dx on the smallest
    case that fails (pad 0, a 1-pixel map), so one diagnosis names both."""
    _, _, _, _, _, _, ph, pw = _geometry(case)
    return _padded_dx(case, dout)[:, :, ph:-ph, pw:-pw]


def _covered_only(case: Case, dout: np.ndarray) -> np.ndarray:
    """dx allocated over the rows and columns the windows reach, then cropped by pad."""
    h, w, kh, kw, sh, sw, ph, pw = _geometry(case)
    rows = min(h, (dout.shape[2] - 1) * sh + kh - ph)
    cols = min(w, (dout.shape[3] - 1) * sw + kw - pw)
    return _backward(case, dout)[0][:, :, : max(rows, 0), : max(cols, 0)]


def _scatter(stride: str):
    """dx by col2im with the windows placed one pixel apart whatever the stride ("one"), or by
    the stride pair swapped ("swapped")."""

    def variant(case: Case, dout: np.ndarray) -> np.ndarray | None:
        x, wt = case.get("x"), case.get("w")
        h, w, kh, kw, sh, sw, ph, pw = _geometry(case)
        rh, rw = (1, 1) if stride == "one" else (sw, sh)
        h_out, w_out = dout.shape[2:]
        dcols = np.einsum("nfrs,fcij->ncrsij", dout, wt)
        dx_pad = np.zeros((x.shape[0], x.shape[1], max(h + 2 * ph, (h_out - 1) * rh + kh), max(w + 2 * pw, (w_out - 1) * rw + kw)))
        for i in range(kh):
            for j in range(kw):
                dx_pad[:, :, i : i + rh * h_out : rh, j : j + rw * w_out : rw] += dcols[..., i, j]
        return dx_pad[:, :, ph : ph + h, pw : pw + w]

    return variant


def _out_sizes(case: Case, rule: str) -> tuple[int, int]:
    """(H_out, W_out) as a mistaken formula computes them."""
    h, w, kh, kw, sh, sw, ph, pw = _geometry(case)
    if rule == "ceil":
        return math.ceil((h + 2 * ph - kh) / sh) + 1, math.ceil((w + 2 * pw - kw) / sw) + 1
    if rule == "no+1":
        return (h + 2 * ph - kh) // sh, (w + 2 * pw - kw) // sw
    if rule == "kernel-swapped":
        return (h + 2 * ph - kw) // sh + 1, (w + 2 * pw - kh) // sw + 1
    if rule == "width-from-H":
        return (h + 2 * ph - kh) // sh + 1, (h + 2 * pw - kw) // sw + 1
    if rule == "width-from-KH":
        return (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kh) // sw + 1
    raise ValueError(rule)


def _sized(rule: str, axes: tuple[int, ...] = (0, 1), lead: bool = False):
    """The output's spatial size is the mistaken formula's on each axis where it is wrong, and
    only the `axes` that rule changes are wrong; with `lead`, the first of them is wrong too (a
    kernel swap that leaves the height right looks exactly like a width computed from KH)."""

    def matches(seen: Seen) -> bool:
        got, want = seen.actual.shape, seen.expected.shape
        if len(got) != 4 or got[:2] != want[:2] or got == want:
            return False
        wrong = _out_sizes(seen.case, rule)
        fits = all(g == e or (a in axes and g == m) for a, (g, e, m) in enumerate(zip(got[2:], want[2:], wrong)))
        return fits and (not lead or got[2 + axes[0]] != want[2 + axes[0]])

    return matches


def _float32(seen: Seen) -> bool:
    """Right to float32's precision and no closer: values that float32 can hold exactly."""
    a = seen.actual
    if not isinstance(a, np.ndarray) or a.shape != seen.expected.shape or a.size == 0:
        return False
    held = a.dtype == np.float32 or bool(np.all(a.astype(np.float32).astype(np.float64) == a))
    return held and compare(a.astype(np.float64), seen.expected, Tolerance(rtol=1e-4, atol=1e-5)).ok


def _db_wrong_axes(seen: Seen) -> bool:
    """db is dout reduced over other axes than (N, H_out, W_out), or averaged over some of them."""
    dout, db = seen.dout, seen.actual
    if not isinstance(db, np.ndarray) or not isinstance(dout, np.ndarray):
        return False
    tol = Tolerance(rtol=1e-6, atol=1e-8)
    for k in range(1, 4):
        for axes in itertools.combinations(range(4), k):
            if axes != (0, 2, 3) and db.shape == np.sum(dout, axis=axes).shape and compare(db, np.sum(dout, axis=axes), tol).ok:
                return True
    n, _, h_out, w_out = dout.shape
    right = dout.sum(axis=(0, 2, 3))
    return db.shape == right.shape and any(compare(db, right / d, tol).ok for d in {n, h_out, w_out, h_out * w_out, n * h_out * w_out} - {1})


FORWARD, BACKWARD = "conv2d_forward", "conv2d_backward"
STRIDES_SWAPPED = (
    "your code uses the stride as (stride_w, stride_h): stride_h steps the rows (H) and stride_w the columns (W), "
    "in the forward and in the backward; look where the stride pair is unpacked"
)

CONV_MISTAKES: tuple[Diagnosis | Signature, ...] = (
    Diagnosis(
        key="conv-pad-one-side",
        function=FORWARD,
        hint=PAD_ONE_SIDE,
        variant=_pad_one_side,
    ),
    Diagnosis(
        key="conv-pad-one-side",
        function=FORWARD,
        hint=PAD_ONE_SIDE,
        variant=_pad_after,
    ),
    Diagnosis(
        key="conv-stride-swapped",
        function=FORWARD,
        hint=STRIDES_SWAPPED,
        variant=_strides_swapped,
    ),
    Diagnosis(
        key="conv-stride-swapped",
        function=BACKWARD,
        output=0,
        hint=STRIDES_SWAPPED,
        variant=_scatter("swapped"),
    ),
    Signature(
        key="conv-kernel-swapped",
        function=FORWARD,
        hint=f"your output's height comes from KW (and its width from KH): (KH, KW) = w.shape[2:] in that order, and {F_OUT}",
        matches=_sized("kernel-swapped", lead=True),
    ),
    Signature(
        key="conv-width-from-h",
        function=FORWARD,
        hint=f"your output's width is computed from H, not W: {F_OUT}; look at the W_out line",
        matches=_sized("width-from-H", (1,)),
    ),
    Signature(
        key="conv-width-from-kh",
        function=FORWARD,
        hint=f"your output's width is computed with the kernel's height KH, not its width KW: {F_OUT}; look at the W_out line",
        matches=_sized("width-from-KH", (1,)),
    ),
    Signature(
        key="conv-ceil",
        function=FORWARD,
        hint=f"your output size rounds (H + 2*pad - K) / stride up; the lecture floors it: {F_OUT} (// in Python), so a last window that would run off the padded map is dropped",
        matches=_sized("ceil"),
    ),
    Signature(
        key="conv-missing-plus-one",
        function=FORWARD,
        hint=f"your output size misses the + 1: {F_OUT}; the + 1 counts the first window",
        matches=_sized("no+1"),
    ),
    Diagnosis(
        key="conv-dx-crop",
        function=BACKWARD,
        output=0,
        hint="your dx is empty: a crop written dx_pad[p:-p] keeps nothing when p = 0 (and a fixed dx_pad[1:-1] keeps nothing of a 1-pixel map); crop with dx_pad[:, :, ph:ph + H, pw:pw + W]",
        variant=_crop,
    ),
    Diagnosis(
        key="conv-dx-covered-only",
        function=BACKWARD,
        output=0,
        hint="your dx covers only the rows and columns some window reaches; dx has x's shape (N, C, H, W): allocate dx_pad as (H + 2*pad_h, W + 2*pad_w) and leave the pixels no window reaches at 0",
        variant=_covered_only,
    ),
    Diagnosis(
        key="conv-backward-ignores-stride",
        function=BACKWARD,
        output=0,
        hint="your dx places the windows' gradients one pixel apart as if the stride were 1: window (r, s) starts at row r*stride_h, column s*stride_w of the padded input in the backward too",
        variant=_scatter("one"),
    ),
    Signature(
        key="conv-db-wrong-axes",
        function=BACKWARD,
        output=2,
        hint="your db reduces dout over the wrong axes (or averages some): db[f] = sum over n, r, s of dout[n, f, r, s], i.e. dout.sum(axis=(0, 2, 3)), one value per filter",
        matches=_db_wrong_axes,
    ),
    *(
        Signature(
            key="conv-float32",
            function=function,
            output=output,
            hint="your values are right only to float32's precision (about 7 digits): an array made with dtype=np.float32 (or an astype) loses the rest; keep float64 throughout",
            matches=_float32,
        )
        for function, output in ((FORWARD, None), (BACKWARD, 0), (BACKWARD, 1), (BACKWARD, 2))
    ),
)
