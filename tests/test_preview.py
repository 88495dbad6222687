"""The preview command: one JSON object a line, errors on stderr, exit status."""
import io
import json
from pathlib import Path

from ingest.preview import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, [json.loads(l) for l in out.getvalue().splitlines()], err.getvalue()


def test_preview_of_a_directory_prints_documents_then_their_clauses(tmp_path):
    bad = tmp_path / "broken.xyz"
    bad.write_text("x", encoding="utf-8")
    status, records, err = run(str(CORPUS), str(bad))
    assert status == 3  # some files could not be read (ingest.preview.EXIT_PARTIAL)
    docs = [r for r in records if r["type"] == "document"]
    assert [d["title"] for d in docs] == ["关中平原城市群建设“十四五”实施方案",
                                          "聚焦高质量发展 聚力一体化进程 纵深推进西安—咸阳一体化建设的思考建议"]
    assert set(docs[0]) == {"type", "title", "issuer", "doc_number", "date", "doc_type", "pages", "source"}
    assert records[0]["type"] == "document" and records[1]["type"] == "clause"
    assert set(records[1]) == {"type", "path", "label", "text", "page_start", "page_end"}
    five = next(r for r in records if r["type"] == "clause" and r["text"].startswith("（五）培育发展西安都市圈"))
    assert (five["label"], five["path"]) == ("（五）", ["三、优化城市群空间发展格局"])
    assert err.startswith(str(bad)) and "\n" in err


def test_preview_fails_only_when_nothing_could_be_read(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\n", encoding="utf-8")
    status, records, err = run(str(empty))
    assert status == 1 and records == []
    assert str(empty) in err


def test_preview_writes_nothing(tmp_path):
    before = sorted(p.name for p in CORPUS.iterdir())
    run(str(CORPUS))
    assert sorted(p.name for p in CORPUS.iterdir()) == before


# --- the command line: python -m ingest ------------------------------------------------
import pytest  # noqa: E402

from ingest.__main__ import KB_HINT, build_parser  # noqa: E402
from ingest.__main__ import main as cli  # noqa: E402


def test_help_lists_every_option(capsys):
    with pytest.raises(SystemExit) as info:
        cli(["--help"])
    assert info.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    options = [o for action in build_parser()._actions for o in action.option_strings]
    assert sorted(options) == ["--help", "--preview", "-h"]
    assert all(o in shown for o in options) and "[PATH ...]" in shown
    assert "python -m index add PATH... [--kb DIR]" in shown


def test_preview_through_the_command_line(capsys):
    assert cli([str(CORPUS), "--preview"]) == 0
    records = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert [r["title"] for r in records if r["type"] == "document"][0] == "关中平原城市群建设“十四五”实施方案"


@pytest.mark.parametrize("argv", [[str(CORPUS)], [str(CORPUS), "--kb", "kb"], ["--rebuild"], ["--remove", "x.txt"]])
def test_without_preview_it_points_to_the_index_command(argv, capsys):
    err = io.StringIO()
    assert cli(argv, err=err) == 2
    assert err.getvalue() == KB_HINT + "\n"
    assert "python -m index add PATH... [--kb DIR]" in KB_HINT
    assert capsys.readouterr().out == ""


def test_an_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        cli([str(CORPUS), "--preview", "--bogus"])
    assert info.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
