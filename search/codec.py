"""Whoosh's W3 codec, with two costs taken out.

* Writing: Whoosh asks each posting's field length one call at a time (an
  index check, a column lookup and a seek per posting: about a sixth of
  indexing time). ``LengthListReader`` decodes a field's whole length
  column once and answers from a list.
* Reading: a compound segment opened through a memory map is copied into
  memory file by file (Whoosh's BufferFile wraps each in a BytesIO), once
  per searcher: a whole index per serving thread. ``CercaSegment`` reads
  its compound file through the operating system instead.

The index's table of contents pickles each segment with its codec, so these
classes must stay importable under these names for indexes to open.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3Codec,
    W3PerDocReader,
    W3Segment,
    _lenfield,
)
from whoosh.filedb.compound import CompoundStorage
from whoosh.util.numeric import byte_to_length


class CercaCodec(W3Codec):
    def per_document_reader(self, storage, segment):
        return LengthListReader(storage, segment)

    def new_segment(self, storage, indexname):
        return CercaSegment(self, indexname)


class CercaSegment(W3Segment):
    def open_compound_file(self, storage):
        dbfile = storage.open_file(self.make_filename(self.COMPOUND_EXT))
        return CompoundStorage(dbfile, use_mmap=False)


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
