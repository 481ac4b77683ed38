"""Turn Japanese municipal 部局マニフェスト (PDF, or its HTML/text capture) into validated records.

The public API (docs/api.md):

    extract.extract_file(path)           -> Extraction (.record, .traces, .as_json(provenance=True))
    extract.extract_bytes(data, name)    -> Extraction
    extract.batch(paths, db_path)        -> Summary (files stored, skipped, failed)
    extract.open_db(db_path)             -> sqlite_utils.Database with the schema of docs/database.md

The modules follow the data's path:
read_pdf / read_text (file → Document) → blocks (Document → Blocks)
→ build (Blocks → Manifesto) → store (SQLite) → export (open data).
"""

__version__ = "0.1.0"

from .errors import ExtractionError, UsageError  # noqa: E402  (after __version__, which store.py imports)
from .pipeline import Extraction, extract_bytes, extract_file  # noqa: E402
from .store import open_db  # noqa: E402
from . import batch  # noqa: E402  (a module that can be called: extract.batch(...) is batch.run_batch(...))

__all__ = ["Extraction", "ExtractionError", "UsageError", "batch", "extract_bytes", "extract_file", "open_db"]
