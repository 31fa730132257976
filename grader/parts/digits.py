"""The LeNet training check's data and initial weights: scikit-learn's bundled 8x8 handwritten
digits, loaded in the parent only (the worker never imports scikit-learn; it gets one minibatch
at a time as plain arrays).

The images are used as they come, 8x8, scaled to [0, 1] (pixels / 16), with no padding or
upsampling: the first convolution pads by K1 // 2 itself, and an 8x8 input keeps the student's
loop code, if that is what it is, within a minute of training (docs/authoring.md, "Training").
With 3x3 kernels the maps go 8x8 -> 4x4 (pool) -> 2x2 (conv) -> 1x1 (pool).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import numpy as np

from grader.spec import Dataset

HELD_OUT = 360  # a fifth of the 1797 digits, never trained on
SPLIT_SEED = 13
# (C1, K1), (C2, K2), H3, H4, classes: the network the check trains.
CONV1, CONV2, HIDDEN3, HIDDEN4, CLASSES = (4, 3), (32, 3), 64, 32, 10


@functools.cache
def digits() -> Dataset:
    """The fixed split: 1437 training and 360 held-out images (N, 1, 8, 8) in [0, 1], int64 labels.
    Cached: it is the same for every submission."""
    images, target = _bundled() or _loaded()
    x = (images / 16.0)[:, None]
    order = np.random.default_rng(SPLIT_SEED).permutation(len(target))
    test, train = order[:HELD_OUT], order[HELD_OUT:]
    arrays = (x[train], target[train], x[test], target[test])
    for a in arrays:
        a.setflags(write=False)
    return Dataset(*arrays)


def _bundled() -> tuple[np.ndarray, np.ndarray] | None:
    """The CSV that load_digits itself reads (pixels, then the label, per row), read without
    importing scikit-learn, which takes 2-7 s here: most of the training check's budget. None
    when an installed scikit-learn keeps it elsewhere."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    if not path.is_file():
        return None
    rows = np.loadtxt(path, delimiter=",")
    if rows.shape != (1797, 65):
        return None
    return rows[:, :-1].reshape(-1, 8, 8), rows[:, -1].astype(np.int64)


def _loaded() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits  # here, not at the top: only a training check pays for it

    bunch = load_digits()
    return np.asarray(bunch.images, dtype=np.float64), np.asarray(bunch.target, dtype=np.int64)


def parameter_shapes() -> list[tuple[int, ...]]:
    (c1, k1), (c2, k2) = CONV1, CONV2
    side = ((8 + 2 * (k1 // 2) - k1 + 1) // 2 - k2 + 1) // 2
    flat = c2 * side * side
    return [(c1, 1, k1, k1), (c1,), (c2, c1, k2, k2), (c2,), (flat, HIDDEN3), (HIDDEN3,), (HIDDEN3, HIDDEN4), (HIDDEN4,), (HIDDEN4, CLASSES), (CLASSES,)]


def initial_weights(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """LeCun's initialisation: weights ~ N(0, 1 / fan_in) (fan_in = C * K * K for a filter), biases 0."""
    out = []
    for shape in parameter_shapes():
        if len(shape) == 1:
            out.append(np.zeros(shape))
        else:
            fan_in = int(np.prod(shape[1:])) if len(shape) == 4 else shape[0]
            out.append(rng.standard_normal(shape) / np.sqrt(fan_in))
    return tuple(out)
