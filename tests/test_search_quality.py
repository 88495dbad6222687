"""Issue 15 behaviours on the real model (slow): the floor on an off-topic query in every mode
(library, CLI JSON and the page), and an indicator query ranking its target clause first."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from index.hits import MAYBE_RELEVANT, NO_GOOD_MATCH, good_match
from test_cli import run_here

pytestmark = pytest.mark.slow
APP = str(Path(__file__).resolve().parents[1] / "app.py")
OFF_TOPIC = "航天发射场"  # the corpus mentions 航天 (an industry base), nothing about launch sites


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_an_off_topic_query_has_no_good_match_in_every_mode(real_corpus_kb, mode):
    hits = real_corpus_kb.search(OFF_TOPIC, k=10, mode=mode)
    floor = real_corpus_kb.settings.search.floor
    assert not good_match(hits, floor=floor)
    assert all(h.relevance is not None and h.relevance < floor for h in hits[:3])


def test_an_on_topic_query_is_a_good_match(real_corpus_kb):
    hits = real_corpus_kb.search("大气污染联防联控", k=10)
    assert good_match(hits, floor=real_corpus_kb.settings.search.floor)
    assert "大气污染" in hits[0].text


def test_cli_json_carries_the_flag_and_the_estimates(real_corpus_kb_dir):
    r = run_here("index", "search", OFF_TOPIC, "--kb", str(real_corpus_kb_dir), "--json", "--mode", "semantic")
    doc = json.loads(r.stdout)
    assert doc["good_match"] is False and len(doc["hits"]) == 10
    assert all(0.0 <= h["relevance"] < doc["floor"] for h in doc["hits"][:3])
    text = run_here("index", "search", OFF_TOPIC, "--kb", str(real_corpus_kb_dir)).stdout
    assert text.startswith(f"{NO_GOOD_MATCH}；{MAYBE_RELEVANT}：") and "\n4. " not in text


def test_urbanisation_target_ranks_the_65_percent_clause_first(real_corpus_kb):
    for mode in ("hybrid", "lexical", "semantic"):
        first = real_corpus_kb.search("城镇化率 目标", k=5, mode=mode)[0]
        assert "常住人口城镇化率达到65%" in first.text, mode


def test_page_says_no_good_match_and_folds_the_best_few(real_corpus_kb_dir, monkeypatch):
    monkeypatch.setenv("POLICY_KB", str(real_corpus_kb_dir))
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params["q"] = OFF_TOPIC
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.warning[0].value.replace("\\", "") == NO_GOOD_MATCH + "。"
    assert [e.label for e in at.expander] == [MAYBE_RELEVANT]
    inside = [h.value for h in at.expander[0].get("html") if 'class="kb-card"' in h.value]
    assert len(inside) == 3 and "相关度 0.0" in inside[0]
