"""Curation: editors' fixes to the facets, made live on the index, kept
beside it as corrections, with their history and undo. No Flask here: the
web routes and the CLI are shells over these calls."""

from search.curation.apply import WAIT, Preview, apply, import_corrections, preview, undo
from search.curation.edits import (
    OPS,
    Edit,
    EditRefused,
    check_name,
    corrections_of,
    edits_of,
)
from search.curation.store import STORE, Store

__all__ = [
    "OPS", "STORE", "WAIT", "Edit", "EditRefused", "Preview", "Store", "apply", "check_name",
    "corrections_of", "edits_of", "import_corrections", "preview", "undo",
]
