"""`make bench`: how fast `manifesto batch` reads manifestos, against the cost of merely reading their characters.

corpus (copies of the samples) → baselines (bare pdfplumber and pdfium, in process) and
measure (the real command, timed and its memory sampled) → run (ratios, JSON, table).
profile says where a batch's time goes, stage by stage.
"""
