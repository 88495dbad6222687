"""The locust user of ``python -m evaluation api-bench``: each of the N users sends ``GET /search``
with a query drawn (seeded per user) from the file named by ``API_BENCH_QUERIES`` (one a line),
without think time, so N users keep N requests in flight."""
from __future__ import annotations

import itertools
import os
import random

from locust import HttpUser, constant, task

QUERIES = [q for q in open(os.environ["API_BENCH_QUERIES"], encoding="utf-8").read().splitlines() if q]
MODE = os.environ.get("API_BENCH_MODE", "hybrid")
_users = itertools.count()


class Searcher(HttpUser):
    """One client: search after search, a 200 with a JSON list counts as a success."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random(next(_users))

    @task
    def search(self) -> None:
        q = self.rng.choice(QUERIES)
        with self.client.get("/search", params={"q": q, "mode": MODE, "k": 10}, name="/search",
                             catch_response=True) as r:
            if r.status_code == 200 and isinstance(r.json(), list):
                r.success()
            else:
                r.failure(f"status {r.status_code}")
