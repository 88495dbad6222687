"""Quantitative statements (targets and actual figures) in policy text.

- ``extract_statements(text, context=None) -> list[Statement]``: one clause or sentence;
- ``extract_document(doc) -> list[ClauseStatement]``: a parsed document, clause by clause,
  with the context each clause is read in (plan period, section years, 到…年 scopes,
  table headers);
- ``canonical_name(indicator)``, ``group_indicators(names, embedder=..., threshold=...)``,
  ``load_synonyms(path)`` / ``apply_synonyms(...)``: indicator names grouped.
"""
from ingest.targets.canon import (Synonyms, apply_synonyms, canonical_name, group_indicators, load_synonyms,
                                  save_synonyms)
from ingest.targets.document import document_facts, extract_document
from ingest.targets.extract import extract_statements
from ingest.targets.numbers import normalise_unit, parse_number, same_quantity, to_base
from ingest.targets.records import ClauseStatement, Kind, Statement, TargetContext

__all__ = ["ClauseStatement", "Kind", "Statement", "Synonyms", "TargetContext", "apply_synonyms", "canonical_name",
           "document_facts", "extract_document", "extract_statements", "group_indicators", "load_synonyms",
           "normalise_unit", "parse_number", "same_quantity", "save_synonyms", "to_base"]
