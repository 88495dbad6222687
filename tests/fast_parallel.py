"""A pytest plugin (``-p tests.fast_parallel`` in pytest.ini): the fast suite runs on every core.

``python -m pytest -q -m "not slow"`` selects the unit tests (demo embedder, in-memory KBs, AppTest);
they are CPU-bound and independent, so on a machine with more than one core this adds
``-n <cores, at most 4>`` (pytest-xdist) to that run. The full run (``python -m pytest -q``) and runs of
chosen files stay in one process: the slow tests start servers, browsers and models whose memory and
ports are better not doubled, and a single file is quicker without worker start-up.
Set ``POLICY_TEST_WORKERS=1`` to keep the fast suite in one process too.
"""
from __future__ import annotations

import os

import pytest


def _fast_suite(early_config) -> bool:
    """Whether the command line is the fast suite: ``-m "not slow"`` and no test paths given."""
    ns = early_config.known_args_namespace
    return getattr(ns, "markexpr", "") == "not slow" and not getattr(ns, "file_or_dir", None)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Add ``-n N`` before the options are parsed when this is the fast suite and xdist is installed."""
    if getattr(early_config.known_args_namespace, "numprocesses", None) is not None:
        return  # the caller chose
    workers = int(os.environ.get("POLICY_TEST_WORKERS") or min(4, os.cpu_count() or 1))
    if workers < 2 or not _fast_suite(early_config) or not early_config.pluginmanager.has_plugin("xdist"):
        return
    args[:] = [*args, "-n", str(workers)]
