"""``python -m index --help`` lists every command, and each command's help lists all its options."""
from __future__ import annotations

import pytest

from conftest import run_index
from index.cli import build_parser

OPTIONS = {
    "search": ["query", "--kb", "--k", "--mode", "--doc", "--issuer", "--type", "--year-from", "--year-to", "--json"],
    "context": ["clause_id", "--kb", "--n", "--json"],
    "stats": ["--kb", "--json"],
    "targets": ["query", "--kb", "--indicator", "--subject", "--kind", "--year-from", "--year-to", "--json"],
    "add": ["PATH", "--kb", "--model", "--quiet"],
    "remove": ["PATH", "--kb", "--quiet"],
    "rebuild": ["PATH", "--kb", "--model", "--quiet"],
    "similar": ["TEXT", "--file", "--kb", "--k", "--sort", "--json"],
    "cite": ["CLAUSE_ID", "--style", "--kb"],
    "refs": ["doc_id", "--kb", "--json"],
    "versions": ["doc_id", "--kb", "--json"],
    "compare": ["doc_a", "doc_b", "--kb", "--json"],
    "serve": ["--kb", "--host", "--port", "--workers", "--log-level"],
    "model": ["prepare", "--variant", "--source", "--cache", "--force"],
}


def test_top_level_help_lists_every_command():
    r = run_index("--help")  # what ``python -m index --help`` prints, in this process
    assert r.returncode == 0 and r.stdout.startswith("usage: python -m index")
    listed = [line.split()[0] for line in r.stdout.splitlines() if line.startswith("    ") and line[4] != " "]
    assert listed == list(OPTIONS)  # eval and bench live in the evaluation package


def sub_help(command: str) -> str:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices[command].format_help()


@pytest.mark.parametrize("command", list(OPTIONS))
def test_each_command_help_lists_its_options(command):
    text = sub_help(command)
    for option in OPTIONS[command]:
        assert option in text, (command, option)


def test_add_and_remove_need_a_path():
    for command in ("add", "remove"):
        with pytest.raises(SystemExit) as e:
            build_parser().parse_args([command])
        assert e.value.code == 2
    assert build_parser().parse_args(["rebuild"]).paths == []
