"""The JSON Schema of the Manifesto record, generated from the models (schemas/manifesto.schema.json)."""

from __future__ import annotations

import json

from .models import Manifesto



def manifesto_schema() -> dict:
    """Return the record's JSON Schema (draft 2020-12), as the models define it."""
    schema = Manifesto.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def render() -> str:
    """Return the schema file's exact text."""
    return json.dumps(manifesto_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(render(), end="")
