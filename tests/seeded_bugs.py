"""Seeded bugs: single text substitutions in the vectorized instructor solution.

Each bug edits one module of tests/solutions/vectorized/assignments and should make the grader
fail at least one check of its part. The `old` text must occur exactly once in that module, so
a refactor of the solution that breaks a bug fails loudly in `materialize` instead of silently
grading a correct copy.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Part = Literal["shapes", "conv1d", "conv", "pooling", "rnn", "lstm", "seq2seq", "residual", "lenet", "transformer"]

VECTORIZED = Path(__file__).parent / "solutions" / "vectorized"


@dataclass(frozen=True)
class SeededBug:
    """Replace `old` by `new` in assignments/<module>.py; `part` is the graded part it should fail."""

    name: str
    part: Part
    module: str  # the module's name inside assignments/, e.g. "conv" for assignments/conv.py
    old: str
    new: str
    description: str


SEEDED_BUGS: tuple[SeededBug, ...] = (
    # ---- shapes
    SeededBug(
        "shapes_cost_without_bias", "shapes", "shapes",
        "params = c_out * c_in * kh * kw + c_out",
        "params = c_out * c_in * kh * kw",
        "conv2d_cost counts the weights but not the C_o biases, so params and flops are both too small.",
    ),
    SeededBug(
        "shapes_output_size_no_floor", "shapes", "shapes",
        "return (size + 2 * pad - kernel) // stride + 1",
        "return (size + 2 * pad - kernel) / stride + 1",
        "conv2d_output_size uses true division: a float, and a fraction (3.5 for size 8, kernel 3, "
        "stride 2) whenever the stride does not divide evenly.",
    ),
    # ---- conv1d
    SeededBug(
        "conv1d_kernel_flipped", "conv1d", "conv1d",
        "np.tensordot(cols, w, axes=([2, 3], [1, 2]))",
        "np.tensordot(cols, w[:, :, ::-1], axes=([2, 3], [1, 2]))",
        "The forward flips the kernel (a true convolution instead of the lecture's cross-correlation); "
        "the backward, written for the unflipped forward, is right.",
    ),
    SeededBug(
        "conv1d_dx_kernel_flipped", "conv1d", "conv1d",
        "dcols = np.tensordot(dout_t, w, axes=([2], [0]))",
        "dcols = np.tensordot(dout_t, w[:, :, ::-1], axes=([2], [0]))",
        "dx sends dout[t] * w[K-1-i] to position t*stride + i instead of dout[t] * w[i]: the kernel "
        "reversed in the backward only; right for symmetric kernels (and K = 1).",
    ),
    SeededBug(
        "conv1d_stride_ignored_in_backward", "conv1d", "conv1d",
        "dx_pad[:, :, i : i + stride * l_out : stride]",
        "dx_pad[:, :, i : i + l_out]",
        "col2im in the backward scatters the window gradients as if the stride were 1: dx is wrong "
        "whenever stride > 1 (forward, dw and db are right).",
    ),
    SeededBug(
        "conv1d_db_mean_over_batch", "conv1d", "conv1d",
        "db = dout.sum(axis=(0, 2))",
        "db = dout.sum(axis=2).mean(axis=0)",
        "db sums dout over positions but averages over the batch: right when N = 1, 1/N of the "
        "gradient otherwise.",
    ),
    # ---- conv
    SeededBug(
        "conv_kernel_flipped", "conv", "conv",
        "np.tensordot(cols, w, axes=([3, 4, 5], [1, 2, 3]))",
        "np.tensordot(cols, w[:, :, ::-1, ::-1], axes=([3, 4, 5], [1, 2, 3]))",
        "The forward flips the kernel (true convolution instead of cross-correlation); wrong values "
        "for any kernel that is not symmetric under a 180-degree turn.",
    ),
    SeededBug(
        "conv_pad_one_side", "conv", "conv",
        "np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))",
        "np.pad(x, ((0, 0), (0, 0), (ph, 0), (pw, 0)))",
        "The input is zero-padded only at the top and left: fewer output rows/columns whenever pad > 0.",
    ),
    SeededBug(
        "conv_output_size_off_by_one", "conv", "conv",
        "h_out = (h + 2 * ph - kh) // sh + 1",
        "h_out = (h + 2 * ph - kh) // sh",
        "H_out is computed without the + 1: the output misses its last row (W_out is right).",
    ),
    SeededBug(
        "conv_dw_one_sample", "conv", "conv",
        "np.tensordot(dout_t, cols, axes=([0, 1, 2], [0, 1, 2]))",
        "np.tensordot(dout_t[0], cols[0], axes=([0, 1], [0, 1]))",
        "dw sums over the positions of sample 0 only, ignoring the rest of the batch; right when N = 1.",
    ),
    SeededBug(
        "conv_db_wrong_axes", "conv", "conv",
        "db = dout.sum(axis=(0, 2, 3))",
        "db = dout.sum(axis=(0, 2)).mean(axis=-1)",
        "db sums dout over the batch and the rows but averages over the columns: shape (F,), wrong "
        "values whenever W_out > 1.",
    ),
    SeededBug(
        "conv_dx_crop_pad_zero", "conv", "conv",
        "dx_pad[:, :, ph : ph + h, pw : pw + wd]",
        "dx_pad[:, :, ph:-ph, pw:-pw]",
        "dx is cropped as dx_pad[:, :, pad:-pad, pad:-pad], which is empty when a pad is 0; right "
        "when both pads are positive.",
    ),
    SeededBug(
        "conv_stride_ignored_in_backward", "conv", "conv",
        "dx_pad[:, :, i : i + sh * h_out : sh, j : j + sw * w_out : sw]",
        "dx_pad[:, :, i : i + h_out, j : j + w_out]",
        "col2im in the backward scatters the window gradients as if the stride were 1: dx is wrong "
        "whenever a stride is > 1 (forward, dw and db are right).",
    ),
    # ---- pooling
    SeededBug(
        "maxpool_grad_all_ties", "pooling", "pooling",
        "routed = (x[:, :, rows, cols] == out) & ~taken",
        "routed = x[:, :, rows, cols] == out",
        "max_pool2d_backward sends a window's gradient to every element equal to its maximum, not "
        "only the first one in row-major order; visible only on inputs with ties.",
    ),
    SeededBug(
        "maxpool_overwrite_overlap", "pooling", "pooling",
        "dx[:, :, rows, cols] += dout * routed",
        "dx[:, :, rows, cols] = dout * routed",
        "max_pool2d_backward assigns instead of accumulating: with overlapping windows (stride < "
        "kernel) a later window overwrites the gradient of an earlier one.",
    ),
    SeededBug(
        "avgpool_not_divided", "pooling", "pooling",
        "share = dout / (kh * kw)",
        "share = dout",
        "avg_pool2d_backward forgets the 1 / (KH*KW): dx is KH*KW times too large (forward is right).",
    ),
    # ---- rnn
    SeededBug(
        "rnn_tanh_grad_one_minus_h", "rnn", "rnn",
        "da = dnext_h * (1 - next_h**2)",
        "da = dnext_h * (1 - next_h)",
        "tanh'(a) is written as 1 - h instead of 1 - h**2, in rnn_step_backward and so in BPTT too.",
    ),
    SeededBug(
        "rnn_no_grad_through_time", "rnn", "rnn",
        "rnn_step_backward(dh[:, t] + dprev_h, cache[t])",
        "rnn_step_backward(dh[:, t], cache[t])",
        "rnn_backward does not carry dprev_h to the previous step: each step sees only its own "
        "dh[:, t]; right when T = 1.",
    ),
    SeededBug(
        "rnn_dh0_zeros", "rnn", "rnn",
        "dh0 = dprev_h",
        "dh0 = np.zeros_like(dprev_h)",
        "rnn_backward returns zeros for dh0.",
    ),
    SeededBug(
        "rnn_forward_ignores_h0", "rnn", "rnn",
        "prev_h = h0",
        "prev_h = np.zeros_like(h0)",
        "rnn_forward starts from a zero hidden state instead of h0.",
    ),
    # ---- lstm
    SeededBug(
        "lstm_gate_order_ifgo", "lstm", "lstm",
        "ifo = _sigmoid(a[:, : 3 * hidden])\n"
        "    i, f, o = ifo[:, :hidden], ifo[:, hidden : 2 * hidden], ifo[:, 2 * hidden :]\n"
        "    g = np.tanh(a[:, 3 * hidden :])",
        "ifo = _sigmoid(np.concatenate([a[:, : 2 * hidden], a[:, 3 * hidden :]], axis=1))\n"
        "    i, f, o = ifo[:, :hidden], ifo[:, hidden : 2 * hidden], ifo[:, 2 * hidden :]\n"
        "    g = np.tanh(a[:, 2 * hidden : 3 * hidden])",
        "The forward splits a into gates in torch.nn.LSTM's order i, f, g, o instead of i, f, o, g "
        "(the backward still assembles da as i, f, o, g).",
    ),
    SeededBug(
        "lstm_step_ignores_dnext_c", "lstm", "lstm",
        "dc = dnext_c + dnext_h * o * (1 - tc**2)",
        "dc = dnext_h * o * (1 - tc**2)",
        "lstm_step_backward drops its second upstream gradient dnext_c, so lstm_backward never carries "
        "the cell state's gradient to earlier steps; right when dnext_c = 0 (T = 1 in lstm_backward).",
    ),
    SeededBug(
        "lstm_no_grad_through_time", "lstm", "lstm",
        "lstm_step_backward(dh[:, t] + dprev_h, dprev_c, cache[t])",
        "lstm_step_backward(dh[:, t], dprev_c, cache[t])",
        "lstm_backward does not add the dprev_h of step t+1 to dh[:, t]; the cell's gradient is still "
        "carried. Right when T = 1.",
    ),
    SeededBug(
        "lstm_c0_is_h0", "lstm", "lstm",
        "prev_h, prev_c = h0, np.zeros_like(h0)",
        "prev_h, prev_c = h0, h0",
        "lstm_forward starts its cell state from h0 instead of zero.",
    ),
    # ---- seq2seq
    SeededBug(
        "seq2seq_dh0_not_to_encoder", "seq2seq", "seq2seq",
        "dh_enc[:, -1] = dh0_dec",
        "dh_enc[:, -1] = 0",
        "seq2seq_backward does not send the decoder's dh0 back into the encoder's last state: every "
        "encoder gradient (dx_src, dWx_enc, dWh_enc, db_enc) is zero; the decoder's are right.",
    ),
    SeededBug(
        "seq2seq_decoder_from_zero", "seq2seq", "seq2seq",
        "_rnn_forward(x_tgt, h_enc[:, -1], Wx_dec, Wh_dec, b_dec)",
        "_rnn_forward(x_tgt, np.zeros_like(h_enc[:, -1]), Wx_dec, Wh_dec, b_dec)",
        "The decoder starts from zeros instead of the encoder's last hidden state: the scores ignore "
        "the source sequence (the backward still sends a gradient into the encoder).",
    ),
    SeededBug(
        "softmax_loss_mean_over_counted", "seq2seq", "seq2seq",
        "loss = -(picked * mask).sum() / n",
        "loss = -(picked * mask).sum() / mask.sum()",
        "temporal_softmax_loss divides the loss by the number of counted steps instead of N (dscores "
        "is still divided by N); right when every step of a one-sample batch counts.",
    ),
    SeededBug(
        "softmax_loss_ignores_mask", "seq2seq", "seq2seq",
        "n = scores.shape[0]",
        "n = scores.shape[0]\n    mask = np.ones_like(mask)",
        "temporal_softmax_loss counts every step, masked or not (loss and dscores); right when "
        "every step counts.",
    ),
    SeededBug(
        "softmax_loss_naive_exp", "seq2seq", "seq2seq",
        "shifted = scores - scores.max(axis=-1, keepdims=True)",
        "shifted = scores",
        "temporal_softmax_loss exponentiates the raw scores: right for moderate scores, NaN once "
        "exp overflows (scores near 1000).",
    ),
    # ---- residual
    SeededBug(
        "residual_missing_skip_grad", "residual", "residual",
        "dx = dx_branch + dshortcut",
        "dx = dx_branch",
        "residual_block_backward drops the shortcut's gradient: dx has only the conv branch's share.",
    ),
    SeededBug(
        "residual_projection_ignores_stride", "residual", "residual",
        "conv_forward(x, ws, bs, stride, 0)",
        "conv_forward(x, ws, bs, 1, 0)",
        "The 1x1 projection runs at stride 1, so for stride > 1 the shortcut no longer matches the "
        "branch and the forward raises; right at stride 1.",
    ),
    SeededBug(
        "residual_relu_before_add", "residual", "residual",
        "return np.maximum(z, 0), (a1, c1, c2, cs, z)",
        "return np.maximum(f, 0) + shortcut, (a1, c1, c2, cs, z)",
        "The forward returns relu(f) + shortcut instead of relu(f + shortcut).",
    ),
    # ---- lenet
    SeededBug(
        "lenet_tanh_grad_of_output", "lenet", "lenet",
        "return dh * (1 - h**2)",
        "return dh * (1 - np.tanh(h) ** 2)",
        "lenet_backward takes tanh's derivative 1 - tanh(z)**2 at the cached OUTPUT h = tanh(z) (tanh "
        "applied twice), at all four tanh layers; conv, pooling and affine are right, so only the "
        "composition and training show it.",
    ),
    SeededBug(
        "lenet_flatten_mixes_samples", "lenet", "lenet",
        "flat = a2.reshape(a2.shape[0], -1)",
        "flat = a2.transpose(1, 0, 2, 3).reshape(a2.shape[0], -1)",
        "lenet_forward flattens a transposed (C2, N, H2, W2) array: each row mixes the samples' "
        "features; right for one sample, so only batches (and training) show it.",
    ),
    SeededBug(
        "lenet_softmax_dscores_not_averaged", "lenet", "lenet",
        "    dscores /= n\n",
        "",
        "softmax_loss returns the mean loss but the gradient of the sum (not divided by N): right for "
        "one sample; in training every step is N times too long.",
    ),
    # ---- transformer
    SeededBug(
        "attention_scaled_by_d", "transformer", "transformer",
        "scale = 1 / np.sqrt(q.shape[-1])",
        "scale = 1 / q.shape[-1]",
        "attention divides the scores by d instead of sqrt(d), forward and backward alike (the backward "
        "is that forward's true gradient); right when d = 1. Multi-head attention and the encoder "
        "block, built on it, fail too.",
    ),
    SeededBug(
        "attention_softmax_over_queries", "transformer", "transformer",
        "e = np.exp(s - s.max(axis=-1, keepdims=True))\n    return e / e.sum(axis=-1, keepdims=True)",
        "e = np.exp(s - s.max(axis=-2, keepdims=True))\n    return e / e.sum(axis=-2, keepdims=True)",
        "The softmax normalizes over the queries (axis -2) instead of the keys: each key's weights sum "
        "to 1 instead of each query's; right only when Tq = Tk = 1.",
    ),
    SeededBug(
        "attention_mask_after_softmax", "transformer", "transformer",
        "scores = np.where(mask, scores, -np.inf) if mask is not None else scores\n    p = _softmax(scores)",
        "p = _softmax(scores)\n    p = np.where(mask, p, 0.0) if mask is not None else p",
        "The mask zeroes the weights after the softmax instead of setting the scores to -inf before it: "
        "the remaining weights no longer sum to 1; right without a mask (or where it masks nothing).",
    ),
    SeededBug(
        "layernorm_unbiased_variance", "transformer", "transformer",
        "var = x.var(axis=-1, ddof=0, keepdims=True)",
        "var = x.var(axis=-1, ddof=1, keepdims=True)",
        "Layer norm divides the variance by D - 1 instead of D (NaN when D = 1); the encoder block, "
        "built on it, fails too.",
    ),
    SeededBug(
        "mha_heads_without_transpose", "transformer", "transformer",
        "return x.reshape(n, t, heads, e // heads).transpose(0, 2, 1, 3)",
        "return x.reshape(n, heads, t, e // heads)",
        "The heads are split by a reshape straight to (N, h, T, E/h), without the transpose: each head "
        "mixes features of other positions; right with one head or one position.",
    ),
    SeededBug(
        "encoder_residual_grad_dropped", "transformer", "transformer",
        "dh = dout + dh_ffn",
        "dh = dh_ffn",
        "encoder_block_backward drops the second residual connection's gradient: h gets only what comes "
        "back through the feed-forward branch, so every gradient of the attention half is wrong.",
    ),
)


def materialize(bug: SeededBug, dest: Path) -> Path:
    """Copy the vectorized solution to dest, plant `bug`, and return dest (the folder holding assignments/).

    Raises ValueError unless `bug.old` occurs exactly once in assignments/<bug.module>.py.
    """
    dest = Path(dest)
    shutil.copytree(VECTORIZED, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    path = dest / "assignments" / f"{bug.module}.py"
    text = path.read_text()
    count = text.count(bug.old)
    if count != 1:
        raise ValueError(f"seeded bug {bug.name}: {bug.old!r} occurs {count} times in {path.name}, expected once")
    path.write_text(text.replace(bug.old, bug.new))
    return dest


def _bug(name: str, part: Part, old: str, new: str, description: str) -> SeededBug:
    return SeededBug(name, part, part, old, new, description)


# Bugs that prove the diagnosis catalogue (grader/parts/mistakes/): each is named by its own
# hint. tests/test_seeded_bugs.py grades them on their part's public checks only, as hidden
# feedback carries no hint; SEEDED_BUGS above also prove the rest of the grade.
CONV_FORMULA = "h_out = (h + 2 * ph - kh) // sh + 1\n    w_out = (wd + 2 * pw - kw) // sw + 1"
DIAGNOSIS_BUGS: tuple[SeededBug, ...] = (
    _bug(
        "conv_dx_crop_fixed_one", "conv",
        "dx_pad[:, :, ph : ph + h, pw : pw + wd]", "dx_pad[:, :, 1:-1, 1:-1]",
        "dx is cropped by one pixel per side whatever the padding; right when both pads are 1.",
    ),
    _bug(
        "conv_width_from_h", "conv",
        "w_out = (wd + 2 * pw - kw) // sw + 1", "w_out = (h + 2 * pw - kw) // sw + 1",
        "W_out is computed from H: too few columns when H < W (the windows' slice caps a larger one).",
    ),
    _bug(
        "conv_width_from_kh", "conv",
        "w_out = (wd + 2 * pw - kw) // sw + 1", "w_out = (wd + 2 * pw - kh) // sw + 1",
        "W_out is computed with the kernel's height: too few columns when KH > KW.",
    ),
    _bug(
        "conv_kernel_dims_swapped", "conv",
        CONV_FORMULA, "h_out = (h + 2 * ph - kw) // sh + 1\n    w_out = (wd + 2 * pw - kh) // sw + 1",
        "The output size takes KW for the height and KH for the width: too few rows when KW > KH.",
    ),
    _bug(
        "conv_strides_swapped", "conv",
        "sh, sw = pair(stride)", "sw, sh = pair(stride)",
        "The stride pair is unpacked as (stride_w, stride_h): wrong whenever the two differ.",
    ),
    _bug(
        "conv_ceil_output_size", "conv",
        CONV_FORMULA + "\n    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))",
        "h_out = -(-(h + 2 * ph - kh) // sh) + 1\n    w_out = -(-(wd + 2 * pw - kw) // sw) + 1\n"
        "    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph + sh - 1), (pw, pw + sw - 1)))",
        "The output size rounds up (ceil mode, the last window padded with zeros): one row or column "
        "too many when the stride does not divide H + 2*pad - KH.",
    ),
    _bug(
        "conv_dx_covered_only", "conv",
        "dx_pad = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))",
        "dx_pad = np.zeros((n, c, (h_out - 1) * sh + kh, (w_out - 1) * sw + kw))",
        "dx_pad spans only the rows and columns the windows reach: dx is short when the floor drops some.",
    ),
    _bug(
        "conv_dx_float32", "conv",
        "dx_pad = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))",
        "dx_pad = np.zeros((n, c, h + 2 * ph, wd + 2 * pw), dtype=np.float32)",
        "dx is accumulated (and returned) in float32: right to about 7 digits only.",
    ),
    _bug(
        "conv_db_per_sample", "conv",
        "db = dout.sum(axis=(0, 2, 3))", "db = dout.sum(axis=(2, 3))",
        "db sums over the positions only: shape (N, F) instead of (F,).",
    ),
    _bug(
        "maxpool_last_maximum", "pooling",
        "for i in range(kh):\n        for j in range(kw):\n            rows, cols",
        "for i in reversed(range(kh)):\n        for j in reversed(range(kw)):\n            rows, cols",
        "max_pool2d_backward routes a window's gradient to its last maximum; visible only with ties.",
    ),
    _bug(
        "pool_stride_defaults_to_one", "pooling",
        "sh, sw = pair(kernel_size if stride is None else stride)", "sh, sw = pair(1 if stride is None else stride)",
        "A left-out stride becomes 1 instead of the kernel size, in max and average pooling.",
    ),
    _bug(
        "avgpool_divided_by_stride", "pooling",
        "share = dout / (kh * kw)", "share = dout / (sh * sw)",
        "avg_pool2d_backward divides by the stride's area: right when the stride is the kernel.",
    ),
    _bug(
        "avgpool_divided_by_kh_squared", "pooling",
        "share = dout / (kh * kw)", "share = dout / (kh * kh)",
        "avg_pool2d_backward divides by KH*KH: right for square kernels.",
    ),
    _bug(
        "rnn_upstream_last_step_only", "rnn",
        "rnn_step_backward(dh[:, t] + dprev_h, cache[t])", "rnn_step_backward((dh[:, t] if t == t_len - 1 else 0) + dprev_h, cache[t])",
        "rnn_backward adds the upstream dh only at the last step; right when T = 1.",
    ),
    _bug(
        "rnn_dwh_from_next_h", "rnn",
        "prev_h.T @ da, da.sum(axis=0)", "next_h.T @ da, da.sum(axis=0)",
        "dWh multiplies da by next_h instead of prev_h, in the step and so in BPTT.",
    ),
    _bug(
        "rnn_wh_not_transposed", "rnn",
        "da @ Wx.T, da @ Wh.T", "da @ Wx.T, da @ Wh",
        "dprev_h = da @ Wh instead of da @ Wh.T: right for a symmetric Wh only.",
    ),
    _bug(
        "rnn_db_batch_mean", "rnn",
        "da.sum(axis=0)", "da.mean(axis=0)",
        "db averages da over the batch: right when N = 1.",
    ),
    _bug(
        "rnn_h0_every_step", "rnn",
        "rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)", "rnn_step_forward(x[:, t], h0, Wx, Wh, b)",
        "Every step of rnn_forward starts from h0 instead of the previous step's h; right when T = 1.",
    ),
    _bug(
        "residual_no_final_relu", "residual",
        "return np.maximum(z, 0), (a1, c1, c2, cs, z)", "return z, (a1, c1, c2, cs, z)",
        "The forward returns f + shortcut without the final ReLU (the backward still masks).",
    ),
    _bug(
        "residual_skip_grad_unmasked", "residual",
        "dshortcut, dws, dbs = dz, None, None", "dshortcut, dws, dbs = dout, None, None",
        "The identity shortcut's gradient is dout, not masked by the final ReLU.",
    ),
    _bug(
        "shapes_output_size_ceil", "shapes",
        "return (size + 2 * pad - kernel) // stride + 1", "return -(-(size + 2 * pad - kernel) // stride) + 1",
        "conv2d_output_size rounds up: one too many when the stride does not divide evenly.",
    ),
    _bug(
        "shapes_output_size_missing_plus_one", "shapes",
        "return (size + 2 * pad - kernel) // stride + 1", "return (size + 2 * pad - kernel) // stride",
        "conv2d_output_size leaves out the + 1.",
    ),
)


def plant(bugs: tuple[SeededBug, ...], dest: Path) -> Path:
    """The vectorized solution with every bug of `bugs` planted, each in its own module."""
    modules = [bug.module for bug in bugs]
    if len(set(modules)) != len(modules):
        raise ValueError(f"two bugs edit one module: {modules}")
    materialize(bugs[0], dest)
    for bug in bugs[1:]:
        path = dest / "assignments" / f"{bug.module}.py"
        text = path.read_text()
        if text.count(bug.old) != 1:
            raise ValueError(f"seeded bug {bug.name}: {bug.old!r} occurs {text.count(bug.old)} times in {path.name}, expected once")
        path.write_text(text.replace(bug.old, bug.new))
    return dest


def batches(bugs: tuple[SeededBug, ...]) -> list[tuple[SeededBug, ...]]:
    """`bugs` in groups of at most one per module, in order: one grade proves a whole group."""
    groups: list[list[SeededBug]] = []
    for bug in bugs:
        group = next((g for g in groups if all(b.module != bug.module for b in g)), None)
        if group is None:
            groups.append(group := [])
        group.append(bug)
    return [tuple(g) for g in groups]


DIAGNOSIS_BUGS += (
    _bug(
        "residual_second_conv_unpadded", "residual",
        "f, c2 = conv_forward(h, w2, b2, 1, (w2.shape[2] // 2, w2.shape[3] // 2))", "f, c2 = conv_forward(h, w2, b2, 1, 0)",
        "The second convolution runs without padding: the branch is smaller than the shortcut and "
        "the forward raises, unless the second kernel is 1x1.",
    ),
)

DIAGNOSIS_BUGS += (
    _bug(
        "maxpool_argmax_unravelled_by_kh", "pooling",
        "    taken = np.zeros(dout.shape, dtype=bool)  # windows whose maximum already got the gradient\n"
        "    for i in range(kh):\n        for j in range(kw):\n            rows, cols",
        "    win = np.stack([x[:, :, i : i + sh * h_out : sh, j : j + sw * w_out : sw] for i in range(kh) for j in range(kw)], axis=-1)\n"
        "    flat = win.argmax(axis=-1)\n"
        "    n, c, r, s = np.indices(dout.shape)\n"
        "    np.add.at(dx, (n, c, r * sh + flat // kh, s * sw + flat % kh), dout)\n"
        "    return dx\n"
        "    taken = np.zeros(dout.shape, dtype=bool)\n"
        "    for i in range(kh):\n        for j in range(kw):\n            rows, cols",
        "max_pool2d_backward routes by the argmax of each flattened window, unravelled with KH as the "
        "row width (the rest of the function is dead code): right for square kernels.",
    ),
)

# Two more ways to make a catalogued mistake, seen in independently written bugs
# (benchmarks/heldout/): x placed at the top left of the padded array, and dw kept from the last
# sample of a loop that sets it instead of adding to it.
DIAGNOSIS_BUGS += (
    _bug(
        "conv_pad_after", "conv",
        "np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))",
        "np.pad(x, ((0, 0), (0, 0), (0, 2 * ph), (0, 2 * pw)))",
        "x sits at the top left of the padded array, all 2*pad zero rows and columns below and to "
        "the right of it: right at pad 0.",
    ),
    _bug(
        "conv_dw_last_sample", "conv",
        "np.tensordot(dout_t, cols, axes=([0, 1, 2], [0, 1, 2]))",
        "np.tensordot(dout_t[-1], cols[-1], axes=([0, 1], [0, 1]))",
        "dw sums over the positions of the last sample only: right when N = 1.",
    ),
)
