"""docs/api.md: every example of the Python API runs and prints what the document says (doctest)."""

from __future__ import annotations

import doctest

from conftest import ROOT, SAMPLES


def test_every_example_of_docs_api_md_runs_as_documented(tmp_path, monkeypatch):
    (tmp_path / "samples").symlink_to(SAMPLES)
    monkeypatch.chdir(tmp_path)  # the examples write manifestos.db into the working directory
    result = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False, report=True,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 25
    assert result.failed == 0
