"""grader/sandbox/static_check.py: forbidden imports found in a submission's source before it runs."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.sandbox.static_check import check_module, forbidden_imports

PREAMBLE = '"""A student module."""\nimport numpy as np\n\n'  # the finding is on line 4


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("import torch", "torch"),
        ("import torch.nn as nn", "torch"),
        ("import numpy, torch.nn.functional as F", "torch"),
        ("from scipy import signal", "scipy"),
        ("from scipy.signal import convolve2d", "scipy"),
        ('__import__("jax")', "jax"),
        ('importlib.import_module("tensorflow")', "tensorflow"),
        ("from grader.compare import compare", "grader"),
        ("import reference", "reference"),
        ("import reference.conv as ref", "reference"),
        ("from sklearn.neural_network import MLPClassifier", "sklearn"),
    ],
)
def test_forbidden_import_is_found_with_its_line_number(line: str, name: str):
    assert forbidden_imports(PREAMBLE + line + "\n") == [f"line 4: imports {name}"]


def test_imports_inside_functions_and_try_blocks_are_found_too():
    source = (
        "def conv(x):\n"
        "    try:\n"
        "        import torch\n"
        "    except ImportError:\n"
        "        from scipy import signal\n"
        "    return x\n"
    )
    assert forbidden_imports(source) == ["line 3: imports torch", "line 5: imports scipy"]


def test_every_finding_of_a_file_is_listed():
    source = "import torch\nimport numpy\nimport jax\n"
    assert sorted(forbidden_imports(source)) == ["line 1: imports torch", "line 3: imports jax"]


@pytest.mark.parametrize(
    "source",
    [
        "import numpy\nimport numpy.lib.stride_tricks as st\n",
        "from numpy.lib.stride_tricks import sliding_window_view\n",
        "from . import _helpers\n",
        "from .torch_like import conv\n",  # the student's own module: relative imports are theirs
        "import math, itertools, functools\n",
        "# import torch would be easier\nx = 1\n",
        '"""Unlike torch.nn.Conv2d, this uses `import torch`-free numpy."""\n',
        's = "import torch"\n',
        "import torchvision_notes_2024\n",  # only the top-level name counts, and it must match whole
        "def f(:\n    import torch\n",  # a syntax error: the worker reports it, not this check
        "import torch\x00\n",  # null bytes do not parse either
    ],
    ids=["numpy", "from-numpy", "relative", "relative-named-like-torch", "stdlib", "comment", "docstring",
         "string", "prefix", "syntax-error", "null-byte"],
)
def test_allowed_or_unparsable_source_gives_no_findings(source: str):
    assert forbidden_imports(source) == []


def test_check_module_reads_the_file(tmp_path: Path):
    path = tmp_path / "conv.py"
    path.write_text("import numpy as np\nfrom scipy import signal\n")

    assert check_module(path) == ["line 2: imports scipy"]


def test_check_module_of_a_missing_file_gives_no_findings(tmp_path: Path):
    assert check_module(tmp_path / "missing.py") == []


def test_check_module_tolerates_bytes_that_are_not_utf8(tmp_path: Path):
    path = tmp_path / "conv.py"
    path.write_bytes(b"# caf\xe9\nimport jax\n")

    assert check_module(path) == ["line 2: imports jax"]
