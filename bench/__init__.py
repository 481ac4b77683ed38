"""`make bench`: how fast `manifesto batch` reads manifestos, against the cost of merely reading their characters.

corpus (copies of the samples) → baselines (bare pdfplumber, in process) and batch
runs (the real command, timed and its memory sampled) → run (ratios, JSON, table).
"""
