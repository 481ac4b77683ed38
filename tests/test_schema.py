"""schemas/manifesto.schema.json is generated from the models and must not go stale."""

from __future__ import annotations

import json

from conftest import ROOT
from extract.schema import render

CONTRACT_FIELDS = ["fiscal_year", "department", "rating_scale", "goals", "self_rating", "milestones", "achieved_state"]


def test_schema_file_is_current():
    committed = (ROOT / "schemas" / "manifesto.schema.json").read_text(encoding="utf-8")
    assert committed == render(), "stale schema: run `make schema`"


def test_schema_names_every_contract_field():
    text = render()
    for field in CONTRACT_FIELDS:
        assert f'"{field}"' in text
    assert json.loads(text)["required"][:3] == ["source", "title", "fiscal_year"]
