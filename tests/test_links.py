"""Links between documents: references (resolved at query time), versions and status, 对照."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, SHARED, make_doc
from index.cli import main
from index.compare import compare
from index.kb import KnowledgeBase
from index.links import references, versions
from index.records import Filters
from ingest.refs import Ref, extract_refs, title_key

SEED = ROOT / "corpus" / "关中平原城市群建设十四五实施方案.txt"
LAWS = SHARED / "laws"
LAW_FILES = [LAWS / "诉讼与非诉讼程序法" / "行政复议法(2017-09-01).md", LAWS / "诉讼与非诉讼程序法" / "行政复议法(2023-09-01).md",
             LAWS / "行政法规" / "行政复议法实施条例(2007-05-29).md"]


def test_extract_titles_cues_and_doc_numbers():
    refs = extract_refs("根据《中华人民共和国行政复议法》和国发[2021]3号，制定本条例。《行政复议条例》同时废止。")
    assert refs == [Ref(title="中华人民共和国行政复议法", kind="title", cue="根据"),
                    Ref(title="行政复议条例", kind="title", cue="废止"),
                    Ref(title="国发〔2021〕3号", kind="doc_number", cue="")]


def test_title_key_drops_prefix_quotes_and_version_date():
    assert title_key("中华人民共和国行政复议法(2023-09-01)") == "行政复议法"
    assert title_key("关中平原城市群建设“十四五”实施方案") == "关中平原城市群建设十四五实施方案"


def test_seed_references_resolve_once_the_cited_document_is_added(tmp_path, demo_embedder):
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    kb.ingest([SEED])
    seed = kb.documents()[0].doc_id
    cites = {c["title"]: c["doc_id"] for c in references(kb, seed)["cites"]}
    for title in ("关中平原城市群发展规划", "黄河流域生态保护和高质量发展规划纲要",
                  "中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要"):
        assert cites[title] is None
    kb.ingest_parsed([make_doc("plan.txt", "关中平原城市群发展规划", [((), "", "关中平原城市群发展规划正文。")])])
    plan = next(d.doc_id for d in kb.documents() if d.source == "plan.txt")
    cites = {c["title"]: c["doc_id"] for c in references(kb, seed)["cites"]}
    assert cites["关中平原城市群发展规划"] == plan
    assert [c["doc_id"] for c in references(kb, plan)["cited_by"]] == [seed]
    kb.remove("plan.txt")
    assert {c["title"]: c["doc_id"] for c in references(kb, seed)["cites"]}["关中平原城市群发展规划"] is None
    kb.close()


def test_repeal_marks_the_named_document(tmp_path, demo_embedder):
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    kb.ingest_parsed([make_doc("old.txt", "旧办法", [((), "第一条", "第一条 旧规定。")], date="2001-01-01"),
                      make_doc("new.txt", "新办法", [((), "第九条", "第九条 本办法自2020年1月1日起施行，《旧办法》同时废止。")],
                               date="2020-01-01")])
    old = next(d.doc_id for d in kb.documents() if d.source == "old.txt")
    v = versions(kb, old)
    assert v["status"] == "repealed" and v["repealed_by"] is not None
    assert "同时废止" in kb.store.clause(v["repealed_by"]).text
    kb.close()


@pytest.fixture(scope="module")
def laws_kb(tmp_path_factory, demo_embedder):
    if not all(p.exists() for p in LAW_FILES):
        pytest.skip("../shared/laws absent")
    path = tmp_path_factory.mktemp("laws") / "kb"
    kb = KnowledgeBase.open(path, embedder=demo_embedder)
    kb.ingest(LAW_FILES)
    ids = {Path(d.source).name: d.doc_id for d in kb.documents()}
    yield kb, ids[LAW_FILES[0].name], ids[LAW_FILES[1].name], ids[LAW_FILES[2].name]
    kb.close()


def test_references_are_looked_up_by_any_number_of_keys(tmp_path, demo_embedder):
    """The status pass sends every title of the KB; more keys than one statement may bind (250,000 in
    this SQLite, 65,535 in PostgreSQL) answer as the real keys alone do."""
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    kb.ingest_parsed([make_doc("a.txt", "甲办法", [((), "第一条", "第一条 依据《旧办法》和《乙规定》制定。")]),
                      make_doc("b.txt", "乙办法", [((), "第二条", "第二条 《旧办法》同时废止。")])])
    real = kb.store.refs_with_keys(["旧办法", "乙规定"])
    assert [(key, cue) for _, _, key, cue, _ in real] == [("乙规定", "依据"), ("旧办法", "依据"), ("旧办法", "废止")]
    many = [f"不存在的文件{i}" for i in range(125_000)] + ["乙规定"] + [f"另一个{i}" for i in range(125_000)] + ["旧办法"]
    assert kb.store.refs_with_keys(many) == real
    kb.close()


def test_law_versions_form_a_chain(laws_kb):
    kb, old, new, rules = laws_kb
    v = versions(kb, old)
    assert [c["doc_id"] for c in v["chain"]] == [old, new]
    assert v["status"] == "superseded" and versions(kb, new)["status"] == "current"
    assert versions(kb, rules)["chain"] == [{"doc_id": rules, "title": "中华人民共和国行政复议法实施条例",
                                             "date": "2007-05-29", "status": "current"}]


def test_implementing_rules_cite_the_current_law(laws_kb):
    kb, old, new, rules = laws_kb
    cites = references(kb, rules)["cites"]
    assert {"title": "中华人民共和国行政复议法", "doc_id": new} in [{k: c[k] for k in ("title", "doc_id")} for c in cites]
    assert cites[0]["cue"] == "根据"
    assert rules in {c["doc_id"] for c in references(kb, old)["cited_by"]}


def test_status_filter_drops_the_superseded_version(laws_kb):
    kb, old, new, rules = laws_kb
    hits = kb.search("行政复议机关 申请", k=20, mode="lexical", filters=Filters(status="current"))
    assert hits and old not in {h.doc_id for h in hits}
    everything = kb.search("行政复议机关 申请", k=20, mode="lexical")
    assert old in {h.doc_id for h in everything}


def test_compare_the_two_versions(laws_kb):
    kb, old, new, _ = laws_kb
    pairs = compare(kb.document_clauses(old), kb.document_clauses(new))["pairs"]
    by_b = {p["b"]["label"]: p for p in pairs if p["b"]}
    by_a = {p["a"]["label"]: p for p in pairs if p["a"]}
    # 第一条: the purpose gained "推进法治政府建设" and kept its number
    first = by_b["第一条"]
    assert first["change"] == "changed" and first["a"]["label"] == "第一条"
    assert ["+", "，推进法治政府建设"] in first["diff"] or any(op == "+" and "法治政府" in t for op, t in first["diff"])
    # 第九十条 (施行日期 2024) is new; 2017 第四条 (原则) became 2023 第三条
    assert by_b["第九十条"]["change"] == "added"
    assert by_a["第四条"]["b"]["label"] == "第三条" and by_a["第四条"]["change"] == "changed"
    assert by_a["第三条"]["change"] == "removed"


def test_cli_refs_versions_compare_json(laws_kb, capsys):
    import json
    kb, old, new, rules = laws_kb
    assert main(["refs", str(rules), "--kb", str(kb.path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cites"][0]["doc_id"] == new
    assert main(["versions", str(old), "--kb", str(kb.path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "superseded"
    assert main(["compare", str(old), str(new), "--kb", str(kb.path), "--json"]) == 0
    changes = {p["change"] for p in json.loads(capsys.readouterr().out)["pairs"]}
    assert changes == {"same", "changed", "added", "removed"}


def test_card_shows_the_status_badge_and_state_keeps_current_only():
    from index.records import Hit
    from webui.render import card_html
    from webui.state import SearchState, from_params, to_params
    import dataclasses
    fields = {f.name: None for f in dataclasses.fields(Hit)}
    fields.update(rank=1, score=0.5, clause_id=1, doc_id=1, text="正文", doc_title="行政复议法", path=(), label="",
                  matched=(), citation="《行政复议法》")
    hit = Hit(**fields)
    assert '<span class="kb-status kb-status-superseded">已被修订</span>' in card_html(hit, status="superseded")
    assert "kb-status" not in card_html(hit)
    state = SearchState(q="复议", current_only=True)
    assert to_params(state)["current"] == "1" and from_params(to_params(state)) == state
    assert state.filters().status == "current"


def test_compare_html_marks_both_sides(laws_kb):
    from webui.compare import compare_html
    kb, old, new, _ = laws_kb
    page = compare_html(compare(kb.document_clauses(old), kb.document_clauses(new)), title_a="2017", title_b="2023")
    assert '<tr class="kb-cmp-added"><td>新增</td><td></td><td>第九十条 本法自2024年1月1日起施行。</td></tr>' in page
    assert "<ins>" in page and "<del>" in page


def test_amended_title_and_issuer_free_key():
    from ingest.refs import amended_title, issuer_free
    assert amended_title("最高人民法院关于修改《关于上海金融法院案件管辖的规定》的决定") == "关于上海金融法院案件管辖的规定"
    assert amended_title("中华人民共和国刑法修正案（十一）") == "中华人民共和国刑法"
    assert amended_title("最高人民法院关于修改《最高人民法院关于在民事审判工作中适用〈工会法〉若干问题的解释》等二十七件"
                         "民事类司法解释的决定") == "最高人民法院关于在民事审判工作中适用〈工会法〉若干问题的解释"
    assert amended_title("最高人民法院关于修改后的民事诉讼法施行时未结案件适用法律若干问题的规定") is None
    assert issuer_free(title_key("最高人民法院、最高人民检察院关于办理盗窃刑事案件适用法律若干问题的解释")) \
        == "关于办理盗窃刑事案件适用法律若干问题的解释"
    assert issuer_free("行政复议法") == "行政复议法"


def test_amendment_is_listed_with_the_document_it_amends(tmp_path, demo_embedder):
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    kb.ingest_parsed([
        make_doc("rule.txt", "最高人民法院关于某某案件管辖的规定", [((), "第一条", "第一条 某某法院管辖下列案件。")],
                 date="2018-07-31"),
        make_doc("amend.txt", "最高人民法院关于修改《关于某某案件管辖的规定》的决定",
                 [((), "", "对《关于某某案件管辖的规定》作如下修改：一、将第一条修改为：某某法院管辖下列第一审案件。")],
                 date="2021-03-01")])
    ids = {d.source: d.doc_id for d in kb.documents()}
    rule, amend = versions(kb, ids["rule.txt"]), versions(kb, ids["amend.txt"])
    assert rule["amendments"] == [{"doc_id": ids["amend.txt"], "title": "最高人民法院关于修改《关于某某案件管辖的规定》的决定",
                                   "date": "2021-03-01"}]
    assert rule["status"] == "current" and [c["doc_id"] for c in rule["chain"]] == [ids["rule.txt"]]
    assert amend["amends"]["doc_id"] == ids["rule.txt"] and amend["amendments"] == []
    # the decision's 《关于…的规定》 names the rule without its issuer: it resolves, and the rule is cited by it
    assert {c["title"]: c["doc_id"] for c in references(kb, ids["amend.txt"])["cites"]} \
        == {"关于某某案件管辖的规定": ids["rule.txt"]}
    assert [c["doc_id"] for c in references(kb, ids["rule.txt"])["cited_by"]] == [ids["amend.txt"]]
    kb.remove("amend.txt")
    assert versions(kb, ids["rule.txt"])["amendments"] == []
    kb.close()


def test_criminal_law_amendment_and_court_decision_from_shared_laws(tmp_path, demo_embedder):
    files = [LAWS / "刑法" / "刑法.md", LAWS / "刑法" / "刑法修正案（十一）.md",
             LAWS / "司法解释" / "最高人民法院关于上海金融法院案件管辖的规定(2021-04-21).md",
             LAWS / "司法解释" / "最高人民法院关于修改《关于上海金融法院案件管辖的规定》的决定.md"]
    if not all(p.exists() for p in files):
        pytest.skip("../shared/laws absent")
    kb = KnowledgeBase.open(tmp_path / "kb", embedder=demo_embedder)
    kb.ingest(files)
    ids = {Path(d.source).name: d.doc_id for d in kb.documents()}
    law, amendment, rule, decision = (ids[p.name] for p in files)
    assert [a["doc_id"] for a in versions(kb, law)["amendments"]] == [amendment]
    assert versions(kb, amendment)["amends"]["doc_id"] == law
    assert versions(kb, decision)["amends"]["doc_id"] == rule
    cites = {c["title"]: c["doc_id"] for c in references(kb, decision)["cites"]}
    assert cites["关于上海金融法院案件管辖的规定"] == rule
    assert decision in {c["doc_id"] for c in references(kb, rule)["cited_by"]}
    kb.close()
