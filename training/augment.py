"""Training-only code: entity-swap augmenter `cerca.entity_swap.v1` (+ imports gazetteer.py so that
`spacy train ... --code training/augment.py` registers both the augmenter and the cerca_gazetteer factory).
NOT needed at inference time.

For each training sentence that has entities, the original is always yielded; with probability `prob`
an extra copy is yielded in which every PER/LOC/ORG span is replaced (each with probability `swap`) by
  * a random span of the same label from KIND *train* (context generalisation), or, for PER/LOC with
    probability `ext`, by
  * a random name from the gazetteer: LOC -> a GeoNames/CLDR place, PER -> Faker first name + surname
    (1-token spans -> surname only); for ORG with probability `org_ext`, by a name from `org_path`
    (KIND's it-ORG-wikipedia.txt, v1.2). This teaches the model unseen names in real contexts.
Random draws use Python's `random`, which spaCy seeds from [system] seed, so runs are reproducible.
"""

import gzip
import lzma
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from spacy.tokens import Doc, DocBin  # noqa: E402
from spacy.training import Example  # noqa: E402
from spacy.util import registry  # noqa: E402

import search.entities.gazetteer  # noqa: F401,E402  (registers cerca_gazetteer)

LOWER_PARTICLES = {
    "di",
    "del",
    "della",
    "dei",
    "degli",
    "delle",
    "de",
    "da",
    "la",
    "le",
    "lo",
    "il",
    "l'",
    "d'",
    "sul",
    "sur",
    "am",
    "an",
    "der",
    "den",
    "von",
    "van",
    "y",
    "e",
    "el",
    "al",
    "of",
    "the",
    "on",
    "upon",
    "in",
    "im",
    "du",
    "des",
    "et",
    "en",
    "bei",
    "sous",
    "lès",
    "les",
}


def _cap(tok, first):
    if not first and tok in LOWER_PARTICLES:
        return tok
    return tok[:1].upper() + tok[1:]


@registry.augmenters("cerca.entity_swap.v1")
def create_entity_swap(
    train_path: str,
    gazetteer_path: str,
    prob: float = 0.5,
    swap: float = 0.7,
    ext: float = 0.5,
    org_path: str = "",
    org_ext: float = 0.0,
):
    from spacy.vocab import Vocab

    pool = {"PER": [], "LOC": [], "ORG": []}
    for d in DocBin().from_disk(train_path).get_docs(Vocab()):
        for e in d.ents:
            if e.label_ in pool:
                pool[e.label_].append(tuple(t.text for t in e))
    places, firsts, surs = [], [], []
    raw = Path(gazetteer_path).read_bytes()
    text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else lzma.decompress(raw)).decode("utf8")
    for line in text.splitlines():
        e, _, fl = line.rstrip("\n").partition("\t")
        fl = int(fl)
        toks = e.split(" ")
        if any(not t for t in toks):
            continue
        if fl & 1 and len(toks) <= 4:
            places.append(tuple(_cap(t, i == 0) for i, t in enumerate(toks)))
        if fl & 2:
            firsts.append(_cap(e, True))
        if fl & 4:
            surs.append(_cap(e, True))

    orgs = []
    if org_path:  # KIND's it-ORG-wikipedia.txt: "ORG <name>" lines, tokens separated by spaces
        for line in Path(org_path).read_text(encoding="utf8").splitlines():
            toks = tuple(line.split()[1:])
            if 0 < len(toks) <= 6 and toks[0][:1].isupper():
                orgs.append(toks)

    def new_span(label, n):
        if label == "ORG" and orgs and random.random() < org_ext:
            return random.choice(orgs)
        if label in ("PER", "LOC") and random.random() < ext:
            if label == "LOC":
                return random.choice(places)
            if n == 1:
                return (random.choice(surs),)
            return (random.choice(firsts), random.choice(surs))
        return random.choice(pool[label])

    def augment(nlp, example):
        yield example
        ref = example.reference
        if not ref.ents or random.random() >= prob:
            return
        words, spaces, tags = [], [], []
        ents = {e.start: e for e in ref.ents}
        i = 0
        while i < len(ref):
            e = ents.get(i)
            if e is not None:
                toks = tuple(t.text for t in e)
                if e.label_ in pool and random.random() < swap:
                    toks = new_span(e.label_, len(e))
                for k, t in enumerate(toks):
                    words.append(t)
                    spaces.append(True)
                    tags.append(("B-" if k == 0 else "I-") + e.label_)
                spaces[-1] = bool(e[-1].whitespace_)
                i = e.end
            else:
                t = ref[i]
                words.append(t.text)
                spaces.append(bool(t.whitespace_))
                tags.append("O")
                i += 1
        doc = Doc(nlp.vocab, words=words, spaces=spaces, ents=tags)
        yield Example(Doc(nlp.vocab, words=words, spaces=spaces), doc)

    return augment
