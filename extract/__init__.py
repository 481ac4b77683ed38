"""Turn Japanese municipal 部局マニフェスト (PDF, or its HTML/text capture) into validated records.

The modules follow the data's path:
read_pdf / read_text (file → Document) → blocks (Document → Blocks)
→ build (Blocks → Manifesto) → store (SQLite) → export (open data).
"""

__version__ = "0.1.0"
