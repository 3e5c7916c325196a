"""Whoosh's W3 codec and posting pool, with costs taken out; W3 reads what
they write.

* Writing: Whoosh hands each posting to the posting writer one call at a
  time, checking order and types, and asks each posting's field length
  with a column lookup and a seek. ``BulkFieldWriter`` adds a term's
  postings a block at a time and ``LengthListReader`` decodes a field's
  length column once (with Whoosh's inline limit, tests compare what the
  files read back with Whoosh's own).
* Inlining: W3 writes a block of its own for every term, even one found
  once (most terms), because its inlining calls a method its term info
  lacks. ``BulkPostingsWriter`` inlines lists shorter than
  ``INLINE_LIMIT``, which W3's reader has always read.
* Pickling: W3 pickles every block and every inlined posting list with
  protocol 2, where a ``bytes`` value (a posting's positions) costs a call
  to ``_codecs.encode`` of a latin-1 string: about 30 bytes each, slow to
  write and to read. ``BulkPostingsWriter`` and ``CercaTermInfo`` pickle
  with newer protocols (``bytes`` as bytes), which W3's reader loads
  as it loads any pickle; and they leave a block of under 20 bytes
  uncompressed, as W3 means to but does not.
* Reading: a compound segment opened through a memory map is copied into
  memory file by file (Whoosh's BufferFile wraps each in a BytesIO), once
  per searcher: a whole index per serving thread. ``CercaSegment`` reads
  its compound file through the operating system instead.

The index's table of contents pickles each segment with its codec, so these
classes must stay importable under these names for indexes to open.
"""

from __future__ import annotations

import itertools
import operator
import pickle
import zlib

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3PerDocReader,
    W3PostingsWriter,
    W3Segment,
    W3TermInfo,
    _lenfield,
)
from whoosh.filedb.compound import CompoundStorage
from whoosh.util.numeric import byte_to_length, length_to_byte

# A term with fewer postings than this keeps them in its term info instead
# of a block of its own (most terms occur a few times): a smaller index, and
# less to pickle and compress at commit. On 2,000 DICE articles 4 gave the
# smallest segment (14.3 MB, against 14.5 with 2 and 15.1 with 16).
INLINE_LIMIT = 4
# Fixed, not HIGHEST_PROTOCOL, so the files stay the same under a newer
# Python. A block's postings: 5 memoizes each value in one byte where 3
# takes five past the 256th (on 2,000 DICE articles, 5.2 MB of postings
# against 6.0). A block's info and a short inlined list: 3, the first with
# bytes as bytes, as 4 and later add a 9-byte frame header, a quarter of
# such a pickle.
PICKLE_PROTOCOL = 5
SMALL_PICKLE_PROTOCOL = 3
# W3's threshold: compressing a smaller pickle makes it bigger.
COMPRESS_MIN = 20


class CercaCodec(W3Codec):
    def __init__(self, blocklimit=128, compression=3, inlinelimit=INLINE_LIMIT) -> None:
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def per_document_reader(self, storage, segment):
        return LengthListReader(storage, segment)

    def new_segment(self, storage, indexname):
        return CercaSegment(self, indexname)

    def field_writer(self, storage, segment):
        return BulkFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return BulkPostingsWriter(
            dbfile, blocklimit=self._blocklimit, byteids=byteids,
            compression=self._compression, inlinelimit=self._inlinelimit,
        )


class BulkFieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        """Whoosh's FieldWriter.add_postings, a term at a time. ``items`` are
        the posting pool's sorted (field, term, docnum, weight, value)."""
        length_of = lengths.doc_field_length if lengths else (lambda docnum, field: 0)
        field = None
        for (fieldname, btext), group in itertools.groupby(items, _FIELD_TERM):
            if fieldname != field:
                if field is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                field = fieldname
            # docnum -1 marks spelling words, which Whoosh does not write.
            postings = [p for p in group if p[2] != -1]
            if not postings:
                continue
            self.start_term(btext)
            docnums = [p[2] for p in postings]
            self._postwriter.add_all(
                docnums, [p[3] for p in postings], [p[4] or b"" for p in postings],
                [length_of(d, fieldname) for d in docnums])
            self.finish_term()
        if field is not None:
            self.finish_field()


_FIELD_TERM = operator.itemgetter(0, 1)


class BulkPostingsWriter(W3PostingsWriter):
    def add_all(self, ids: list, weights: list, values: list, lengths: list) -> None:
        """``add_posting`` for many postings: the same blocks and statistics."""
        limit = self._blocklimit
        done = 0
        while done < len(ids):
            if len(self._ids) >= limit:
                self._write_block()
            end = min(len(ids), done + limit - len(self._ids))
            self._ids.extend(ids[done:end])
            self._weights.extend(weights[done:end])
            self._maxweight = max(self._maxweight, *weights[done:end])
            self._values.extend(v for v in values[done:end] if v)
            known = [n for n in lengths[done:end] if n]
            if known:
                shortest = min(known)
                if self._minlength is None or shortest < self._minlength:
                    self._minlength = shortest
                self._maxlength = max(self._maxlength, *known)
            done = end


    def start_postings(self, format_, terminfo):
        super().start_postings(format_, CercaTermInfo())

    def finish_postings(self):
        """Whoosh's, with short lists inlined: W3 calls ``set_inline``,
        which its term info lacks (``set_inlined``)."""
        if self._blockcount or len(self._ids) >= self._inlinelimit:
            return super().finish_postings()
        terminfo, self._terminfo = self._terminfo, None
        terminfo.add_block(self)
        # Read back as a block's would be: None where the format has no values.
        values = [None] * len(self._ids) if self._format.fixed_value_size() == 0 \
            else self._values
        terminfo.set_inlined(self._ids, self._weights, values)
        return terminfo

    def _write_block(self, last=False):
        """W3's block, pickled with ``PICKLE_PROTOCOL`` (see the module doc)."""
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()),
                            PICKLE_PROTOCOL)
        comp = self._compression if len(data) >= COMPRESS_MIN else 0
        if comp:
            data = zlib.compress(data, comp)
        ids = self._ids
        info = pickle.dumps((len(ids), ids[-1], self._maxweight, comp,
                             length_to_byte(self._minlength), length_to_byte(self._maxlength)),
                            SMALL_PICKLE_PROTOCOL)
        length = len(info) + len(data)
        self._postfile.write_int(-length if last else length)
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()


class CercaTermInfo(W3TermInfo):
    """W3's term info, its inlined postings pickled with ``SMALL_PICKLE_PROTOCOL``;
    W3's ``from_bytes`` reads it back."""

    def to_bytes(self):
        if not self.is_inlined():
            return super().to_bytes()
        # An inlined list has postings, so its ids and lengths are known.
        return self._struct.pack(
            True, self._weight, self._df, length_to_byte(self._minlength),
            length_to_byte(self._maxlength), self._maxweight, self._minid, self._maxid,
        ) + pickle.dumps(self._inlined, SMALL_PICKLE_PROTOCOL)


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

