"""Reading inputs into Articles: file formats, page furniture, dates.

What the indexer and ``cerca extract`` call lives here; the modules behind
it (readers per format, furniture, newsroom conventions, ``dates/``) are
this package's business.
"""

from search.ingest.dates import DATES_VERSION, days_mentioned, plausible_in_archive
from search.ingest.html import read_page, read_pages
from search.ingest.html import warm as warm_page_reader
from search.ingest.readers import display
from search.ingest.sources import find_files, read_items, read_path, scan, units_in

__all__ = [
    "DATES_VERSION", "days_mentioned", "display", "find_files", "plausible_in_archive",
    "read_items", "read_page", "read_pages", "read_path", "scan", "units_in",
    "warm_page_reader",
]
