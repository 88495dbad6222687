"""``python -m evaluation``: one entry for the research commands (that the product never imports
them is a house rule checked in test_architecture.py)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from evaluation.__main__ import build_parser, main
from evaluation.data import shared_dir

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ("eval", "lexicon", "bench", "sets", "parse-bench", "page-bench", "targets-eval", "targets-bench",
            "api-bench", "crash-bench")


def test_help_lists_every_command():
    out = subprocess.run([sys.executable, "-m", "evaluation", "--help"], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout
    listed = re.findall(r"^    (\S+)", out, re.M)
    assert tuple(listed) == COMMANDS


def test_parse_bench_help_answers_with_its_usage_not_a_missing_path(capsys):
    with pytest.raises(SystemExit) as done:
        main(["parse-bench", "--help"])  # what ``python -m evaluation parse-bench --help`` runs
    out = capsys.readouterr()
    assert done.value.code == 0 and out.err == ""
    assert out.out.startswith("usage: python -m evaluation parse-bench [-h] [PATH ...]")


@pytest.mark.parametrize("command, options", [
    ("eval", ["--kb", "--modes", "--peers", "--k", "--split", "--limit", "--min-run", "--set", "--out"]),
    ("bench", ["--kb", "--queries", "--max-queries", "--corpus", "--model", "--no-ingest", "--no-query", "--scale",
               "--hnsw-max", "--dim", "--vectors-from", "--laws-kb", "--kb-dir"]),
    ("page-bench", ["--kb", "--runs", "--no-browser"]),
    ("lexicon", ["--sets", "--out", "--model", "--min-count", "--min-cos", "--high-cos", "--synonyms", "--fold"]),
    ("targets-eval", ["--split", "--labels", "--misses"]),
    ("targets-bench", ["--laws", "--repeat"]),
])
def test_each_command_help_lists_its_options(command, options, capsys):
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([command, "--help"])
    assert done.value.code == 0
    shown = set(re.findall(r"(--[a-z-]+)", capsys.readouterr().out))
    assert shown == {"--help", *options}


def test_sets_has_its_four_builders():
    args = build_parser().parse_args(["sets", "segmented-kb", "corpus", "--kb", "/tmp/x", "--max-chars", "300"])
    assert (args.cmd, args.sources, args.max_chars, args.min_chars) == ("segmented-kb", ["corpus"], 300, 20)
    for cmd in ("stard", "ncp", "laws-kb"):
        assert build_parser().parse_args(["sets", cmd]).cmd == cmd


def test_shared_dir_is_beside_the_repository_unless_policy_shared_says(monkeypatch, tmp_path):
    monkeypatch.delenv("POLICY_SHARED", raising=False)
    assert shared_dir() == REPO.parent / "shared"
    monkeypatch.setenv("POLICY_SHARED", str(tmp_path))
    assert shared_dir() == tmp_path
