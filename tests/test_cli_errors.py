"""Error paths of the command lines, run as real processes: every one ends in one line on stderr and a
documented exit code (2 usage or KB error, 3 partial failure), never a traceback."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import CORPUS, ROOT
from test_cli import run_here

BIG = "99999999999999999999"  # > 2^63: overflowed SQLite before


def run(*args: str | bytes):
    """``python -m ARGS`` as a real process (bytes arguments reach argv undecoded)."""
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          errors="replace")


def one_line_error(r, code: int = 2) -> str:
    assert r.returncode == code, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_big_and_negative_numbers_are_one_line_and_exit_2(corpus_kb_dir):
    kb = str(corpus_kb_dir)
    line = one_line_error(run("index", "search", "公共服务", "--doc", BIG, "--kb", kb))
    assert line == ("python -m index search: error: argument --doc: a document id (from `stats` or `search --json`) "
                    f"is a whole number from 1 to 9223372036854775807, not {BIG} (see python -m index search --help)")
    line = one_line_error(run_here("index", "context", "1", "--n", "-5", "--kb", kb))
    assert line == ("python -m index context: error: argument --n: the number of neighbours is a whole number "
                    "from 0 to 1000, not -5 (see python -m index context --help)")
    cases = [("search", "公共服务", "--year-from", BIG), ("search", "公共服务", "--k", "1001"),
             ("search", "公共服务", "--k", str(10**9)), ("context", BIG), ("refs", BIG), ("versions", "-1"),
             ("compare", "1", BIG), ("targets", "--year-to", BIG), ("cite", BIG), ("similar", "句子。", "--k", "0")]
    for args in cases:  # in this process (as the one above): the same parser, a second of imports saved per case
        r = run_here("index", *args, "--kb", kb)
        assert r.returncode == 2, args
        assert r.stderr.count("\n") == 1 and "is a whole number from" in r.stderr, (args, r.stderr)


@pytest.mark.slow  # real processes that search or write (5-8 s on the shared machine)
def test_invalid_utf8_in_a_query_is_searched_not_a_traceback(corpus_kb_dir):
    r = run("index", "search", "公共服务".encode() + b"\xff", "--kb", str(corpus_kb_dir),
            "--k", "1", "--mode", "lexical")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("1. 《")
    assert "【公共服务】" in r.stdout


@pytest.mark.slow  # real processes that search or write (5-8 s on the shared machine)
def test_bad_file_names_are_escaped_and_a_partial_failure_exits_3(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    good = next(CORPUS.glob("*.txt"))
    shutil.copy(good, docs / "good.txt")
    shutil.copy(good, docs / "new\nline.txt")
    shutil.copy(good, bytes(docs) + b"/bad\xff\xfe.txt")
    (docs / "x\x1b[31mred.docx").write_bytes(b"not a zip")
    r = run("index", "add", str(docs), "--kb", str(tmp_path / "kb"), "--model", "demo", "--quiet")
    assert r.returncode == 3, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("added 2, replaced 0, skipped 0 (unchanged), removed 0, failed 2;")
    assert f"  added: {docs}/new\\nline.txt" in lines
    assert (f"  FAILED: {docs}/bad\\udcff\\udcfe.txt: the file name is not valid UTF-8; rename it "
            "(e.g. `convmv -f gbk -t utf-8`) and add it again") in lines
    assert any(line.startswith(f"  FAILED: {docs}/x\\x1b[31mred.docx: the .docx is not a valid zip archive")
               for line in lines)
    assert "\x1b" not in r.stdout
    r = run("ingest", str(docs), "--preview")  # the preview: same escaping, exit 3 for a partial failure
    assert r.returncode == 3
    assert r.stderr.splitlines()[0].startswith(f"{docs}/x\\x1b[31mred.docx: the .docx is not a valid zip archive")


@pytest.mark.slow  # real processes that search or write (5-8 s on the shared machine)
def test_a_corrupt_database_is_reported_with_the_command_that_recovers(tmp_path, corpus_kb_dir):
    kb = tmp_path / "kb"
    shutil.copytree(corpus_kb_dir, kb)
    for extra in ("kb.sqlite-wal", "kb.sqlite-shm"):
        (kb / extra).unlink(missing_ok=True)
    config = json.loads((kb / "config.json").read_text(encoding="utf-8"))
    config["settings"]["search"]["candidates"] = 77  # a tuned setting the reset must keep
    (kb / "config.json").write_text(json.dumps(config), encoding="utf-8")
    data = bytearray((kb / "kb.sqlite").read_bytes())
    data[:100] = b"x" * 100  # the header: "file is not a database"
    (kb / "kb.sqlite").write_bytes(bytes(data))
    line = one_line_error(run("index", "search", "公共服务", "--kb", str(kb)))
    assert line == (f"error: the knowledge-base database {kb}/kb.sqlite is damaged (sqlite: file is not a database): "
                    f"rebuild it from the source files with `python -m index rebuild --reset --kb {kb} PATH...` "
                    f"(the damaged files are kept in {kb}/damaged-<time>/; uploaded files are re-added)")
    for command in (["similar", "推进公共服务均等化。"], ["cite", "1"]):  # the drafter's commands say the same
        r = run_here("index", *command, "--kb", str(kb))
        assert (r.returncode, r.stderr) == (2, line + "\n")
    r = run("index", "rebuild", "--reset", "--kb", str(kb), str(CORPUS), "--quiet")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("added 2, replaced 0, skipped 0 (unchanged), removed 0, failed 0;")
    assert json.loads((kb / "config.json").read_text(encoding="utf-8"))["settings"]["search"]["candidates"] == 77
    damaged = [p for p in kb.iterdir() if p.name.startswith("damaged-")]
    assert len(damaged) == 1 and (damaged[0] / "kb.sqlite").read_bytes()[:5] == b"xxxxx"
    r = run_here("index", "search", "公共服务 人均支出", "--kb", str(kb), "--k", "1")
    assert r.returncode == 0 and "教育领域【人均支出】998元" in r.stdout


def test_a_closed_pipe_ends_the_preview_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "ingest", *[str(CORPUS)] * 6, "--preview"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()  # `| head -1`: read a line, then close the pipe
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait() == 0, err
    assert first.startswith(b'{"type": "document"')
    assert err == ""


@pytest.mark.slow
@pytest.mark.parametrize("command", ["search", "similar"])
def test_a_closed_pipe_ends_a_search_quietly(corpus_kb_dir, command):
    proc = subprocess.Popen([sys.executable, "-m", "index", command, "公共服务。", "--kb", str(corpus_kb_dir),
                             "--k", "1000" if command == "search" else "50", "--json"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait() == 0 and "Traceback" not in err and "BrokenPipe" not in err, err


def test_a_query_may_start_with_an_exclusion(corpus_kb_dir):
    kb = str(corpus_kb_dir)
    plain = run_here("index", "search", "公共服务", "--kb", kb, "--json", "--mode", "lexical", "--k", "50")
    excluded = [h for h in json.loads(plain.stdout)["hits"] if "咸阳" not in h["text"]]
    assert 0 < len(excluded) < len(json.loads(plain.stdout)["hits"])  # the exclusion matters
    for args in (["-咸阳", "公共服务", "--kb", kb], ["-咸阳 公共服务", "--kb", kb], ["--kb", kb, "--", "-咸阳", "公共服务"],
                 ["--kb", kb, "--", "-咸阳 公共服务"]):
        r = run_here("index", "search", *args, "--json", "--mode", "lexical", "--k", "50") if args[0] != "--kb" \
            else run_here("index", "search", "--json", "--mode", "lexical", "--k", "50", *args)
        assert r.returncode == 0, (args, r.stderr)
        assert [h["clause_id"] for h in json.loads(r.stdout)["hits"]] == [h["clause_id"] for h in excluded], args
