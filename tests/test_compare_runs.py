"""Paired bootstrap of two eval runs (``evaluation.metrics.paired_bootstrap``, ``evaluation.compare_runs``)."""
from __future__ import annotations

import json

import pytest

from evaluation.compare_runs import compare
from evaluation.metrics import paired_bootstrap, per_query


def test_per_query_values_from_a_ranks_line():
    row = {"gold_ranks": [2, None], "relevant_ranks": [2, 7]}
    assert per_query(row, "mrr10") == 0.5 and per_query(row, "r@1") == 0.0 and per_query(row, "r@5") == 0.5


def test_bootstrap_interval_of_a_constant_difference_is_that_difference():
    assert paired_bootstrap([0.0, 0.5, 1.0], [0.25, 0.75, 1.25], samples=200) == (0.25, 0.25, 0.25)


def test_bootstrap_interval_holds_the_mean_and_refuses_unpaired_lists():
    d, lo, hi = paired_bootstrap([0, 0, 0, 0], [1, 0, 1, 0], samples=2000)
    assert d == 0.5 and 0.0 <= lo < 0.5 < hi <= 1.0
    with pytest.raises(ValueError):
        paired_bootstrap([1.0], [1.0, 0.0])


def test_compare_pairs_queries_by_id(tmp_path):
    def write(name, ranks):
        path = tmp_path / name
        path.write_text("".join(json.dumps({"system": "hybrid", "id": i, "kind": "k", "gold_ranks": [r],
                                            "relevant_ranks": [r] if r else []}) + "\n"
                                for i, r in ranks.items()), encoding="utf-8")
        return str(path)
    old = write("old.jsonl", {"a": 2, "b": None})
    new = write("new.jsonl", {"b": 1, "a": 2})
    mrr = compare(old, new)[0]
    assert mrr[:4] == ("mrr10", 0.25, 0.75, 0.5)
