"""Benchmarks: ``bench`` (query latency, ingestion throughput, size, memory, scale runs; ``cli``, ``kb_speed``,
``scale``, ``vectors``, ``laws_kb``, ``timing``), ``parse-bench`` (``parse``: parsing speed) and
``page-bench`` (``page``: the search page's speed in a real browser)."""
