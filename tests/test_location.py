"""One rule for where the KB lives (argument, else $POLICY_KB, else kb/), used by the CLIs and the page."""
from __future__ import annotations

from pathlib import Path

from index.location import kb_path


def test_argument_then_environment_then_kb(monkeypatch):
    monkeypatch.delenv("POLICY_KB", raising=False)
    assert kb_path(None) == Path("kb")
    monkeypatch.setenv("POLICY_KB", "/data/policy-kb")
    assert kb_path(None) == Path("/data/policy-kb")
    assert kb_path("other") == Path("other") and kb_path(Path("/x")) == Path("/x")
    monkeypatch.setenv("POLICY_KB", "")
    assert kb_path() == Path("kb")  # an empty variable counts as unset


def test_the_page_opens_the_same_directory_as_the_cli(monkeypatch):
    import webui.common as common

    opened = []

    def get_handle(path):  # record the directory instead of opening it
        opened.append(path)
        raise KeyError(path)

    monkeypatch.setattr(common, "get_handle", get_handle)
    monkeypatch.setattr(common.st, "error", lambda text: None)
    monkeypatch.setenv("POLICY_KB", "/srv/kb-x")
    common.open_handle()
    monkeypatch.delenv("POLICY_KB")
    common.open_handle()
    assert opened == ["/srv/kb-x", "kb"]
