"""Unusually similar code: winnowed token fingerprints (Schleimer, Wilkerson and Aiken's method,
the one MOSS uses), each submission fingerprinted once and then indexed.

A module's source becomes tokens that ignore what a copier changes for free: every name but
keywords and attribute names (`np.tensordot` keeps `tensordot`, `w_flipped` becomes `V`),
every literal, comments and layout. The hashes of its k-grams of tokens are winnowed: in every
window of `w` consecutive hashes the smallest is kept, so any run of at least k + w - 1 tokens
that two files share yields at least one shared fingerprint, while the fingerprint stays small.

Fingerprints found in the baseline (the released stubs) never count, nor do those shared by too
many submissions (common idioms, or code everyone was given): as in MOSS, only what a few
submissions share can point at copying. Pairs are counted from an inverted index (fingerprint ->
submissions), never by comparing every pair of files.
"""

from __future__ import annotations

import keyword
import re
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

K = 15  # tokens per k-gram: shorter runs are noise (a loop header, an np.zeros call)
WINDOW = 8  # any shared run of K + WINDOW - 1 = 22 tokens is found
BASE = np.uint64(1_000_003)
MIN_SHARED = 6  # fingerprints a pair must share to be listed at all
MIN_SCORE = 0.5  # of the smaller file's fingerprints
COMMON_SHARE = 0.1  # a fingerprint in more than this share of the submissions (and > COMMON_MIN) is ignored
COMMON_MIN = 10

# One pass of one regular expression (Python's tokenize module is several times slower, and 800
# files must take seconds): strings (any prefix, triple-quoted too), comments, names, numbers,
# operators. Layout (newlines, indentation) is no token at all.
_LEXEME = re.compile(
    r"""(?P<s>[rRbBuUfF]{0,2}(?:\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))"""
    r"|(?P<c>\#[^\n]*)"
    r"|(?P<n>[^\W\d]\w*)"
    r"|(?P<d>\d[\w.]*(?:[eE][+-]?\d+)?|\.\d\w*)"
    r"|(?P<o>\*\*=?|//=?|>>=?|<<=?|->|:=|[-+*/%@&|^=<>!]=|[-+*/%@&|^~<>=.,:;()\[\]{}])"
)


@dataclass(frozen=True)
class Tokens:
    kinds: tuple[str, ...]
    lines: tuple[int, ...]  # the 1-based line each token starts on


def tokens(source: str) -> Tokens:
    """The name-, literal-, comment- and layout-blind token stream of a Python source. What is
    no Python lexeme (a stray `$`, the rest of a broken string) is skipped, never an error."""
    kinds: list[str] = []
    starts: list[int] = []
    previous = ""
    for m in _LEXEME.finditer(source):
        group, text = m.lastgroup, m.group()
        if group == "c":
            continue
        if group == "n":
            kind = text if keyword.iskeyword(text) or previous == "." else "V"
        elif group == "d":
            kind = "0"
        elif group == "s":
            kind = "S"
        else:
            kind = text
        kinds.append(kind)
        starts.append(m.start())
        previous = text if group == "o" else ""
    newlines = [m.start() for m in re.finditer("\n", source)]
    lines = np.searchsorted(np.asarray(newlines, dtype=np.int64), np.asarray(starts, dtype=np.int64), side="right") + 1
    return Tokens(tuple(kinds), tuple(int(n) for n in lines))


_TOKEN_IDS: dict[str, int] = {}


def _token_id(kind: str) -> int:
    """A stable number per token (crc32, not hash(): str hashes change from run to run)."""
    found = _TOKEN_IDS.get(kind)
    if found is None:
        found = _TOKEN_IDS[kind] = zlib.crc32(kind.encode()) + 1
    return found


def kgram_hashes(toks: Tokens, k: int = K) -> np.ndarray:
    """The polynomial hash of every k-gram, in order (uint64 arithmetic wraps, as intended)."""
    n = len(toks.kinds) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    ids = np.fromiter((_token_id(t) for t in toks.kinds), dtype=np.uint64, count=len(toks.kinds))
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * BASE + ids[j : j + n]
    return h


def winnow(h: np.ndarray, w: int = WINDOW) -> np.ndarray:
    """Positions of the winnowed hashes: each window's minimum (its rightmost on ties), each position once."""
    if len(h) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(h) <= w:
        return np.array([len(h) - 1 - int(np.argmin(h[::-1]))])
    windows = np.lib.stride_tricks.sliding_window_view(h, w)
    rightmost = w - 1 - np.argmin(windows[:, ::-1], axis=1)
    return np.unique(np.arange(len(windows)) + rightmost)


@dataclass(frozen=True)
class Fingerprint:
    """A file's winnowed fingerprints: hash -> the line spans (first, last) of its k-grams."""

    spans: Mapping[int, tuple[tuple[int, int], ...]]

    def __len__(self) -> int:
        return len(self.spans)


def fingerprint(source: str, k: int = K, w: int = WINDOW) -> Fingerprint:
    toks = tokens(source)
    h = kgram_hashes(toks, k)
    spans: dict[int, list[tuple[int, int]]] = {}
    for p in winnow(h, w):
        spans.setdefault(int(h[p]), []).append((toks.lines[p], toks.lines[p + k - 1]))
    return Fingerprint({key: tuple(v) for key, v in spans.items()})


def all_hashes(source: str, k: int = K) -> set[int]:
    """Every k-gram hash of a file (the baseline: a shared run taken from it never counts, wherever winnowing samples it)."""
    return {int(x) for x in kgram_hashes(tokens(source), k)}


@dataclass(frozen=True)
class Pair:
    """Two submissions' files of one module, and what they share beyond the baseline."""

    module: str
    a: str
    b: str
    shared: int  # fingerprints in common
    score: float  # shared over the smaller file's fingerprints: 1.0 = one holds all of the other
    share_a: float  # shared over a's fingerprints
    share_b: float
    regions_a: tuple[tuple[int, int], ...]  # merged line ranges of a that match b
    regions_b: tuple[tuple[int, int], ...]


def merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping or touching line ranges joined."""
    out: list[list[int]] = []
    for first, last in sorted(spans):
        if out and first <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], last)
        else:
            out.append([first, last])
    return tuple((a, b) for a, b in out)


def similar_pairs(
    module: str,
    sources: Mapping[str, str],
    baseline: str = "",
    *,
    min_shared: int = MIN_SHARED,
    min_score: float = MIN_SCORE,
    limit: int = 50,
) -> tuple[list[Pair], int]:
    """The most similar pairs of `sources` (name -> one module's text), best first, at most `limit`;
    and how many fingerprints were ignored as common to too many submissions."""
    base = all_hashes(baseline) if baseline else set()
    prints = {name: fingerprint(text) for name, text in sources.items()}
    kept = {name: {h: s for h, s in fp.spans.items() if h not in base} for name, fp in prints.items()}
    index: dict[int, list[str]] = {}
    for name in sorted(kept):
        for h in kept[name]:
            index.setdefault(h, []).append(name)
    too_many = max(COMMON_MIN, int(COMMON_SHARE * len(sources)))
    common = {h for h, names in index.items() if len(names) > too_many}
    counts: Counter[tuple[str, str]] = Counter()
    for h, names in index.items():
        if h in common or len(names) < 2:
            continue
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                counts[(a, b)] += 1
    sizes = {name: len(set(fp) - common) for name, fp in kept.items()}
    pairs = []
    for (a, b), shared in counts.items():
        score = shared / max(1, min(sizes[a], sizes[b]))
        if shared >= min_shared and score >= min_score:
            pairs.append((score, shared, a, b))
    pairs.sort(key=lambda p: (-p[0], -p[1], p[2], p[3]))
    return [_pair(module, a, b, shared, score, kept, sizes, common) for score, shared, a, b in pairs[:limit]], len(common)


def _pair(
    module: str,
    a: str,
    b: str,
    shared: int,
    score: float,
    kept: Mapping[str, Mapping[int, tuple[tuple[int, int], ...]]],
    sizes: Mapping[str, int],
    common: set[int],
) -> Pair:
    both = (set(kept[a]) & set(kept[b])) - common
    regions_a = merge([s for h in both for s in kept[a][h]])
    regions_b = merge([s for h in both for s in kept[b][h]])
    return Pair(module, a, b, shared, round(score, 4), round(shared / max(1, sizes[a]), 4), round(shared / max(1, sizes[b]), 4), regions_a, regions_b)
