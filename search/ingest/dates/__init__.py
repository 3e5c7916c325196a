"""The date grammar: dates an Italian text names, and an article's own date.

``find`` runs the rules (``rules``: patterns built from the words in
``lexicon``, read by ``grammar``, ``periods`` and ``relative`` into values
computed by ``values``) over a text; ``published`` reads an article's own
date from its dateline or lead, on top of ``find``.
"""

from search.ingest.dates.find import DATES_VERSION, days_mentioned, find_dates
from search.ingest.dates.published import infer_date, plausible_in_archive

__all__ = ["DATES_VERSION", "days_mentioned", "find_dates", "infer_date", "plausible_in_archive"]
