"""Whoosh's W3 codec with a per-document length lookup fit for writing.

When a segment is written, Whoosh asks each posting's field length one
call at a time (an index check, a column lookup and a seek per posting:
about a sixth of indexing time). This reader decodes a field's whole length
column once and answers from a list.

The index's table of contents pickles the codec of each segment, so this
class must stay importable under this name for existing indexes to open.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length


class CercaCodec(W3Codec):
    def per_document_reader(self, storage, segment):
        return LengthListReader(storage, segment)


class LengthListReader(W3PerDocReader):
    def __init__(self, storage, segment) -> None:
        super().__init__(storage, segment)
        self._length_lists: dict[str, list[int] | None] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self._length_lists.get(fieldname, ())
        if lengths == ():
            column = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            lengths = None if column is None else [
                byte_to_length(b) if b else None for b in column
            ]
            self._length_lists[fieldname] = lengths
        if lengths is None:
            return default
        return lengths[docnum]
