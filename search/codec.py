"""Whoosh's W3 codec and posting pool, with costs taken out; W3 reads what
they write.

* Writing: Whoosh hands each posting to the posting writer one call at a
  time, checking order and types, and asks each posting's field length
  with a column lookup and a seek. ``BulkFieldWriter`` adds a term's
  postings a block at a time and ``LengthListReader`` decodes a field's
  length column once (with Whoosh's inline limit, tests compare what the
  files read back with Whoosh's own). Given the postings already grouped
  by term (``SortedTerms``, from ``indexing.pool.TermPool``), it takes
  each term's whole. The terms and postings files count what they are
  written: W3 asks their position several times a term, which a buffered
  file answers with a system call.
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
  per searcher: a whole index per serving thread. Read without the map,
  every read is a seek and a read call, and a block's pickled header
  takes one per opcode. ``CercaSegment`` maps its compound file and
  reads each file in place (``MappedFile``): shared by every searcher and
  process, no system call per read.

The index's table of contents pickles each segment with its codec, so these
classes must stay importable under these names for indexes to open.
"""

from __future__ import annotations

import itertools
import operator
import pickle
import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

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
from whoosh.filedb.structfile import BufferFile
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


class SortedTerms:
    """A posting pool's postings grouped by term, for ``BulkFieldWriter``:
    ``terms`` gives each (field, term bytes, postings) in order, a term's
    postings as (docnum, weight, value), sorted too. Iterated, it gives
    Whoosh's (field, term, docnum, weight, value) one by one, in the order
    Whoosh's pool does."""

    def __init__(self, terms: dict[tuple[str, bytes], list[tuple]]) -> None:
        self._terms = terms

    def terms(self) -> Iterator[tuple[str, bytes, list[tuple]]]:
        for key in sorted(self._terms):
            postings = self._terms[key]
            postings.sort()  # in document order already: one pass
            yield key[0], key[1], postings

    def __iter__(self) -> Iterator[tuple]:
        for fieldname, btext, postings in self.terms():
            for posting in postings:
                yield (fieldname, btext, *posting)


class BulkFieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        """Whoosh's FieldWriter.add_postings, a term at a time. ``items`` are
        the posting pool's sorted (field, term, docnum, weight, value), or
        the same already grouped (``SortedTerms``)."""
        terms = items.terms() if isinstance(items, SortedTerms) else (
            (fieldname, btext, [p[2:] for p in group])
            for (fieldname, btext), group in itertools.groupby(items, _FIELD_TERM))
        field = None
        for fieldname, btext, postings in terms:
            if fieldname != field:
                if field is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                field = fieldname
                length_of = _lengths_of(lengths, fieldname)
            # docnum -1 marks spelling words, which Whoosh does not write
            # (sorted, they come first).
            if postings[0][0] == -1:
                postings = [p for p in postings if p[0] != -1]
                if not postings:
                    continue
            self.start_term(btext)
            docnums, weights, values = zip(*postings, strict=True)
            # A value of None is no value, as b"" is (``add_all`` keeps neither).
            self._postwriter.add_all(docnums, weights, values, length_of(docnums))
            self.finish_term()
        if field is not None:
            self.finish_field()

    def _create_file(self, ext):
        """The terms and postings files, which W3 asks its position per term."""
        created = super()._create_file(ext)
        created.file = _Counted(created.file)
        return created


_FIELD_TERM = operator.itemgetter(0, 1)


def _lengths_of(lengths, fieldname: str) -> Callable[[Sequence[int]], Sequence[int | None]]:
    """The field lengths of some documents, as Whoosh's
    ``doc_field_length`` gives them one at a time (0 without a reader)."""
    if not lengths:
        return lambda docnums: [0] * len(docnums)
    if isinstance(lengths, LengthListReader):
        column = lengths.field_lengths(fieldname)
        if column is None:
            return lambda docnums: [0] * len(docnums)
        return lambda docnums: [column[d] for d in docnums]
    return lambda docnums: [lengths.doc_field_length(d, fieldname) for d in docnums]


class _Counted:
    """A file written from start to end that counts what it is given, so
    ``tell`` is a number instead of a system call (a buffered file asks
    the system on every ``tell``, and W3 asks several times per term)."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self._pos = raw.tell()

    def write(self, data) -> int:
        written = self._raw.write(data)
        self._pos += written
        return written

    def tell(self) -> int:
        return self._pos

    def seek(self, where: int, whence: int = 0) -> int:
        self._pos = self._raw.seek(where, whence)
        return self._pos

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


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
        return MappedCompound(dbfile, use_mmap=storage.supports_mmap)


class MappedCompound(CompoundStorage):
    """A compound segment read from one memory map, each file a view of
    it: no copy per searcher, no system call per read."""

    def open_file(self, name, *args, **kwargs):
        if self._source is None:  # no map (a file too large for it)
            return super().open_file(name, *args, **kwargs)
        offset, length = self.range(name)
        return MappedFile(memoryview(self._source)[offset:offset + length], name=name)


class MappedFile(BufferFile):
    """Whoosh's BufferFile over a view, read in place instead of copied
    into a BytesIO."""

    def __init__(self, buf: memoryview, name: str | None = None) -> None:
        super().__init__(b"", name=name)
        self._buf = buf
        self.file = _View(buf)


class _View:
    """A read-only file over a memoryview. ``peek`` lets ``pickle.load``
    take a whole pickle in one call rather than an opcode at a time."""

    def __init__(self, buf: memoryview) -> None:
        self._buf = buf
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._buf) if size is None or size < 0 else min(start + size, len(self._buf))
        self._pos = max(start, end)
        return self._buf[start:end].tobytes()

    def readline(self, size: int | None = -1) -> bytes:  # pickle.load asks for it
        end = len(self._buf) if size is None or size < 0 else min(self._pos + size, len(self._buf))
        line = self._buf[self._pos:end].tobytes()
        cut = line.find(b"\n") + 1
        line = line[:cut] if cut else line
        self._pos += len(line)
        return line

    def peek(self, size: int = 0) -> memoryview:
        return self._buf[self._pos:self._pos + max(size, 1)]

    def seek(self, where: int, whence: int = 0) -> int:
        self._pos = where if whence == 0 else self._pos + where if whence == 1 \
            else len(self._buf) + where
        return self._pos

    def tell(self) -> int:
        return self._pos


class LengthListReader(W3PerDocReader):
    def __init__(self, storage, segment) -> None:
        super().__init__(storage, segment)
        self._length_lists: dict[str, list[int | None] | None] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self.field_lengths(fieldname)
        if lengths is None:
            return default
        return lengths[docnum]

    def field_lengths(self, fieldname: str) -> list[int | None] | None:
        """Every document's length in the field (None where it has none),
        or None for a field without lengths."""
        if fieldname not in self._length_lists:
            column = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            self._length_lists[fieldname] = None if column is None else [
                byte_to_length(b) if b else None for b in column
            ]
        return self._length_lists[fieldname]

