"""Check that every held-out buggy submission really differs from correct code.

For each [[bug]] in bugs.toml this imports the buggy package (ada_correct with the bug's module
benchmarks/heldout/<id>/<module>.py in place, composed by submissions.py) and
the correct examples/ada_correct/assignments side by side (under distinct package names, so the
relative `from .conv import ...` of residual.py resolves inside each package), runs the bug's module
on fixed random inputs inside the ranges the stubs describe, and reports where outputs or gradients
differ, or where the buggy call raises and the correct one does not. It also checks that a
bug's folder holds its one module only, and, as a control, that the
correct solutions in tests/solutions/*/assignments show no difference at the tolerance used.

Uses numpy only and never runs the grader. Exit status 1 if any bug shows no difference or any
control shows one.

    python benchmarks/heldout/verify.py [-v] [id ...]
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import tempfile
import tomllib
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from submissions import compose  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="heldout-"))  # composed submissions, one folder per bug

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REF_DIR = ROOT / "examples" / "ada_correct" / "assignments"
CONTROL_DIRS = sorted((ROOT / "tests" / "solutions").glob("*/assignments"))
RTOL, ATOL = 1e-9, 1e-11

_loaded: dict[str, object] = {}


def load(pkg_dir: Path, module: str, tag: str):
    """Import <pkg_dir>/<module>.py as <tag>.<module>, pkg_dir being a package named <tag>."""
    if tag not in _loaded:
        spec = importlib.util.spec_from_file_location(
            tag, pkg_dir / "__init__.py", submodule_search_locations=[str(pkg_dir)]
        )
        pkg = importlib.util.module_from_spec(spec)
        sys.modules[tag] = pkg
        spec.loader.exec_module(pkg)
        _loaded[tag] = pkg
    return importlib.import_module(f"{tag}.{module}")


# ---------------------------------------------------------------- cases: each returns {name: value}

def _rng(seed):
    return np.random.default_rng(seed)


def conv_cases():
    # (N, C, H, W), (F, KH, KW), stride, pad
    specs = [
        ((2, 3, 7, 9), (4, 3, 5), (2, 1), (1, 2)),  # non-square everything
        ((2, 2, 8, 8), (3, 3, 3), 1, 1),  # 'same' 3x3
        ((2, 2, 6, 7), (3, 3, 3), 1, 0),  # no padding
        ((2, 2, 8, 8), (2, 3, 3), 2, 1),  # stride 2: last padded row/col uncovered
        ((1, 2, 9, 6), (2, 5, 3), (1, 2), (2, 1)),
        ((2, 3, 6, 10), (2, 3, 3), 1, 0),  # H < W
        ((2, 2, 10, 6), (2, 3, 3), (1, 1), (1, 1)),  # H > W
    ]
    cases = []
    for k, (xs, (f, kh, kw), stride, pad) in enumerate(specs):
        def run(mod, xs=xs, f=f, kh=kh, kw=kw, stride=stride, pad=pad, seed=100 + k):
            r = _rng(seed)
            x = r.normal(size=xs)
            w = r.normal(size=(f, xs[1], kh, kw))
            b = r.normal(size=f)
            out, cache = mod.conv2d_forward(x, w, b, stride, pad)
            res = {"out": out}
            dout = _rng(seed + 1000).normal(size=np.shape(out))
            dx, dw, db = mod.conv2d_backward(dout, cache)
            res.update(dx=dx, dw=dw, db=db)
            return res
        cases.append((f"x{xs} w({f},{xs[1]},{kh},{kw}) stride={stride} pad={pad}", run))
    return cases


def pooling_cases():
    # (x shape, kernel, stride, integer-valued?) integer values 0..2 make tied maxima common
    specs = [
        ((2, 3, 6, 8), 2, None, False),
        ((2, 2, 7, 7), 3, 2, False),  # overlapping windows
        ((2, 2, 6, 9), (2, 3), (1, 2), False),
        ((2, 2, 7, 9), (2, 3), None, False),  # non-square, default stride, leftover border
        ((2, 3, 6, 8), 2, None, True),
        ((2, 2, 7, 7), 3, 1, True),
        ((2, 2, 8, 7), (3, 2), (2, 1), True),
        ((1, 1, 5, 5), (2, 3), 1, True),
    ]
    cases = []
    for k, (xs, ks, st, ints) in enumerate(specs):
        for kind in ("max", "avg"):
            def run(mod, xs=xs, ks=ks, st=st, ints=ints, kind=kind, seed=200 + k):
                r = _rng(seed)
                x = r.integers(0, 3, size=xs).astype(float) if ints else r.normal(size=xs)
                fwd = getattr(mod, f"{kind}_pool2d_forward")
                bwd = getattr(mod, f"{kind}_pool2d_backward")
                out, cache = fwd(x, ks) if st is None else fwd(x, ks, st)
                dout = _rng(seed + 1000).normal(size=np.shape(out))
                return {"out": out, "dx": bwd(dout, cache)}
            cases.append((f"{kind}_pool x{xs}{' ints' if ints else ''} kernel={ks} stride={st}", run))
    return cases


def rnn_cases():
    cases = []
    for k, (n, t, d, h) in enumerate([(3, 5, 4, 6), (2, 4, 6, 3)]):
        def step(mod, n=n, d=d, h=h, seed=300 + k):
            r = _rng(seed)
            x, prev_h = r.normal(size=(n, d)), r.normal(size=(n, h))
            Wx, Wh, b = 0.5 * r.normal(size=(d, h)), 0.5 * r.normal(size=(h, h)), r.normal(size=h)
            next_h, cache = mod.rnn_step_forward(x, prev_h, Wx, Wh, b)
            g = mod.rnn_step_backward(_rng(seed + 1000).normal(size=np.shape(next_h)), cache)
            return dict(next_h=next_h, **dict(zip(("dx", "dprev_h", "dWx", "dWh", "db"), g)))

        def seq(mod, n=n, t=t, d=d, h=h, seed=310 + k):
            r = _rng(seed)
            x, h0 = r.normal(size=(n, t, d)), r.normal(size=(n, h))
            Wx, Wh, b = 0.5 * r.normal(size=(d, h)), 0.5 * r.normal(size=(h, h)), r.normal(size=h)
            hs, cache = mod.rnn_forward(x, h0, Wx, Wh, b)
            g = mod.rnn_backward(_rng(seed + 1000).normal(size=np.shape(hs)), cache)
            return dict(h=hs, **dict(zip(("dx", "dh0", "dWx", "dWh", "db"), g)))

        cases.append((f"rnn_step N={n} D={d} H={h}", step))
        cases.append((f"rnn_forward/backward N={n} T={t} D={d} H={h}", seq))
    return cases


def residual_cases():
    # x shape, F, (KH1, KW1), (KH2, KW2), projection?, stride
    specs = [
        ((2, 4, 6, 6), 4, (3, 3), (3, 3), False, 1),  # identity shortcut
        ((2, 3, 7, 7), 5, (3, 3), (3, 3), True, 2),  # projection, stride 2
        ((2, 3, 6, 8), 4, (3, 5), (5, 3), True, 1),  # projection, stride 1, non-square kernels
        ((2, 3, 7, 9), 4, (3, 3), (1, 1), True, (1, 2)),  # 1x1 second conv, tuple stride
        ((1, 4, 5, 5), 4, (1, 1), (3, 3), False, 1),
    ]
    cases = []
    for k, (xs, f, k1, k2, proj, stride) in enumerate(specs):
        def run(mod, xs=xs, f=f, k1=k1, k2=k2, proj=proj, stride=stride, seed=400 + k):
            r = _rng(seed)
            c = xs[1]
            x = r.normal(size=xs)
            w1, b1 = 0.5 * r.normal(size=(f, c, *k1)), 0.1 * r.normal(size=f)
            w2, b2 = 0.5 * r.normal(size=(f, f, *k2)), 0.1 * r.normal(size=f)
            ws, bs = (0.5 * r.normal(size=(f, c, 1, 1)), 0.1 * r.normal(size=f)) if proj else (None, None)
            out, cache = mod.residual_block_forward(x, w1, b1, w2, b2, ws, bs, stride)
            g = mod.residual_block_backward(_rng(seed + 1000).normal(size=np.shape(out)), cache)
            return dict(out=out, **dict(zip(("dx", "dw1", "db1", "dw2", "db2", "dws", "dbs"), g)))
        cases.append((f"residual x{xs} F={f} k1={k1} k2={k2} {'projection' if proj else 'identity'} stride={stride}", run))
    return cases


def shapes_cases():
    def sizes(mod):
        res = {}
        for size in range(1, 13):
            for pad in range(0, 3):
                for kernel in range(1, size + 2 * pad + 1):
                    for stride in range(1, 4):
                        res[f"conv2d_output_size({size}, {kernel}, {stride}, {pad})"] = mod.conv2d_output_size(
                            size, kernel, stride, pad)
        return res

    def costs(mod):
        res = {}
        for args in [(1, 1, 3, 3, 6, 6), (3, 16, 3, 3, 32, 32), (64, 128, 1, 1, 14, 14), (2, 5, 3, 5, 7, 4)]:
            res[f"conv2d_cost{args}"] = mod.conv2d_cost(*args)
        return res

    return [("conv2d_output_size grid", sizes), ("conv2d_cost examples", costs)]


CASES = {"conv": conv_cases, "pooling": pooling_cases, "rnn": rnn_cases,
         "residual": residual_cases, "shapes": shapes_cases}


# ---------------------------------------------------------------- comparison

def _describe(v):
    if isinstance(v, np.ndarray):
        return f"array{v.shape} {v.dtype}"
    return repr(v)


def compare(ref: dict, got: dict) -> list[str]:
    diffs = []
    for name, r in ref.items():
        g = got.get(name, "<missing>")
        if r is None or g is None:
            if (r is None) != (g is None):
                diffs.append(f"{name}: {_describe(g)} where correct is {_describe(r)}")
            continue
        if not isinstance(r, np.ndarray) and not isinstance(g, np.ndarray):
            if r != g:
                diffs.append(f"{name} = {g!r}, correct {r!r}")
            continue
        ra, ga = np.asarray(r), np.asarray(g)
        if ra.shape != ga.shape:
            diffs.append(f"{name}: shape {ga.shape}, correct {ra.shape}")
        elif not np.allclose(ga, ra, rtol=RTOL, atol=ATOL):
            err = np.abs(ga.astype(float) - ra)
            diffs.append(f"{name}: max|diff| {err.max():.3g} (rel {err.max() / (np.abs(ra).max() or 1):.2g}), "
                         f"{int((err > ATOL + RTOL * np.abs(ra)).sum())}/{ra.size} entries"
                         + (f", dtype {ga.dtype}" if ga.dtype != ra.dtype else ""))
    return diffs


def run_module(module: str, ref_mod, cand_mod) -> list[tuple[str, list[str]]]:
    """[(case name, differences)] for every case where the candidate differs."""
    found = []
    for name, case in CASES[module]():
        ref = case(ref_mod)
        try:
            got = case(cand_mod)
        except Exception as exc:  # noqa: BLE001 - a raise where the correct code does not is a difference
            found.append((name, [f"raises {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"]))
            continue
        d = compare(ref, got)
        if d:
            found.append((name, d))
    return found


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    only = [a for a in argv if not a.startswith("-")]
    bugs = tomllib.loads((HERE / "bugs.toml").read_text())["bug"]
    modules = {b["module"] for b in bugs}
    ok = True

    # Control: correct solutions must show no difference at this tolerance.
    for k, d in enumerate([REF_DIR, *CONTROL_DIRS]):
        for module in sorted(modules):
            if not (d / f"{module}.py").exists():  # tests/solutions/semi holds only some modules
                continue
            ref_mod = load(REF_DIR, module, "ref_ada")
            found = run_module(module, ref_mod, load(d, module, f"control_{k}"))
            if found:
                ok = False
                print(f"CONTROL FAIL {d.relative_to(ROOT)} {module}: {found[0]}")
    print(f"control: {1 + len(CONTROL_DIRS)} correct packages x {len(modules)} modules, "
          f"{'no differences' if ok else 'DIFFERENCES (see above)'}")

    seen = set()
    for bug in bugs:
        bid, module = bug["id"], bug["module"]
        assert bid not in seen, f"duplicate id {bid}"
        seen.add(bid)
        if only and bid not in only:
            continue
        # layout: the bug's folder holds its one module; the package around it is ada_correct's
        held = sorted(p.name for p in (HERE / bid).iterdir() if p.name != "__pycache__")
        if held != [f"{module}.py"]:
            ok = False
            print(f"LAYOUT FAIL {bid}: holds {held}, not only {module}.py")
            continue
        pkg = compose(bid, module, WORK / bid) / "assignments"
        try:
            found = run_module(module, load(REF_DIR, module, "ref_ada"), load(pkg, module, f"heldout_{bid}"))
        except Exception:  # noqa: BLE001
            ok = False
            print(f"ERROR {bid}:\n{traceback.format_exc()}")
            continue
        n_cases = len(CASES[module]())
        status = "differs" if found else "NO DIFFERENCE"
        ok &= bool(found)
        print(f"{bid} [{module}] {status} on {len(found)}/{n_cases} cases")
        for name, diffs in (found if verbose else found[:2]):
            print(f"    {name}: {'; '.join(diffs[:4])}{' ...' if len(diffs) > 4 else ''}")
    print("OK: every bug differs from the correct code" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
