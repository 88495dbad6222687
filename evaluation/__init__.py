"""Research code: retrieval evaluation, peer systems, eval-set builders and benchmarks.

It imports the product (``ingest``, ``index``, ``webui``) and is never imported by it. One entry
point: ``python -m evaluation eval|bench|sets|parse-bench|page-bench`` (see ``evaluation.__main__``).
"""
