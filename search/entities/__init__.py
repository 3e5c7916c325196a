"""Persons, places and organisations: the NER model, its gazetteer, and
the rules that give each entity one canonical name."""
