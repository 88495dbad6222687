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
    assert status == 0
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
