"""Turn Japanese municipal 部局マニフェスト (PDF, or its HTML/text capture) into validated records.

The public API (docs/api.md):

    extract.extract_file(path)           -> [Extraction, …] one per manifesto (.record, .traces, .as_json())
    extract.extract_bytes(data, name)    -> the same, from bytes
    extract.batch(paths, db_path)        -> Summary (files stored, skipped, failed)
    extract.open_db(db_path)             -> sqlite_utils.Database with the schema of docs/database.md

The modules follow the data's path:
read_oxide / read_pdf (file → characters and rules) → layout (→ Document), or read_text (page → Document)
→ blocks (Document → Blocks) → build (Blocks → Manifesto) → store (SQLite) → export (open data).
"""

__version__ = "0.1.0"

# The API is imported on first use (PEP 562), so that `python -m extract.limits` (the worker process)
# and `extract.cli` load only what they need.
_API = {
    "ExtractionError": "errors", "UsageError": "errors", "Extraction": "pipeline", "FailedPart": "pipeline",
    "extract_bytes": "pipeline", "extract_file": "pipeline", "open_db": "store",
}

__all__ = ["Extraction", "ExtractionError", "FailedPart", "UsageError", "batch", "extract_bytes", "extract_file", "open_db"]


def __getattr__(name: str) -> object:
    """Import the API's names when first asked for (`extract.batch` is the callable module batch.py)."""
    from importlib import import_module

    if name == "batch":
        return import_module(".batch", __name__)
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
