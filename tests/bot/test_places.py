"""Which municipality a typed place means (V9): names, typos, districts and villages, postcodes, the Region
as a whole, and places outside the Region, among them near-misses of Region names (Lehre, Gehrde)."""

from __future__ import annotations

import pytest
import yaml

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError
from bot.routing import _parse_gazetteer, find_place, gazetteer, match_municipality, municipalities

OUTSIDE = "outside"
REGION = "region"
UNKNOWN = "unknown"

PLACES = [
    # the 21 by name, alias and typo
    ("Barsinghausen", "barsinghausen"),
    ("Burgdorf", "burgdorf"),
    ("Burgwedel", "burgwedel"),
    ("Garbsen", "garbsen"),
    ("Garbsn", "garbsen"),
    ("Gehrden", "gehrden"),
    ("Gehrdn", "gehrden"),
    ("Hannover", "hannover"),
    ("HANNOVER", "hannover"),
    ("Hanover", "hannover"),
    ("Landeshauptstadt Hannover", "hannover"),
    ("Hemmingen", "hemmingen"),
    ("Isernhagen", "isernhagen"),
    ("Isernhagen H.B.", "isernhagen"),
    ("Laatzen", "laatzen"),
    ("Langenhgen", "langenhagen"),
    ("Lehrte", "lehrte"),
    ("Lehrt", "lehrte"),
    ("Neustadt am Rübenberge", "neustadt_am_ruebenberge"),
    ("Neustadt a. Rbge.", "neustadt_am_ruebenberge"),
    ("Neustadt", "neustadt_am_ruebenberge"),
    ("Pattensen", "pattensen"),
    ("Ronnenberg", "ronnenberg"),
    ("Seelze", "seelze"),
    ("Sehnde", "sehnde"),
    ("Springe", "springe"),
    ("Uetze", "uetze"),
    ("Wedemark", "wedemark"),
    ("Wennigsen", "wennigsen_deister"),
    ("Wennigsen (Deister)", "wennigsen_deister"),
    ("Wunstorf", "wunstorf"),
    # districts and villages -> their town or city
    ("Steinhude", "wunstorf"),
    ("Großenheidorn", "wunstorf"),
    ("Mardorf", "neustadt_am_ruebenberge"),
    ("Mandelsloh", "neustadt_am_ruebenberge"),
    ("Bissendorf", "wedemark"),
    ("Mellendorf", "wedemark"),
    ("Misburg", "hannover"),
    ("Linden", "hannover"),
    ("Hannover-Linden", "hannover"),
    ("Linden-Süd", "hannover"),
    ("Bemerode", "hannover"),
    ("Kirchrode", "hannover"),
    ("Calenberger Neustadt", "hannover"),
    ("Isernhagen-Süd", "hannover"),
    ("Großburgwedel", "burgwedel"),
    ("Fuhrberg", "burgwedel"),
    ("Havelse", "garbsen"),
    ("Berenbostel", "garbsen"),
    ("Garbsen Berenbostel", "garbsen"),
    ("Empelde", "ronnenberg"),
    ("Letter", "seelze"),
    ("Altwarmbüchen", "isernhagen"),
    ("Arnum", "hemmingen"),
    ("Gleidingen", "laatzen"),
    ("Rethen", "laatzen"),
    ("Godshorn", "langenhagen"),
    ("Ahlten", "lehrte"),
    ("Hämelerwald", "lehrte"),
    ("Ilten", "sehnde"),
    ("Eldagsen", "springe"),
    ("Hänigsen", "uetze"),
    ("Bredenbeck", "wennigsen_deister"),
    ("Everloh", "gehrden"),
    ("Egestorf", "barsinghausen"),
    ("Ehlershausen", "burgdorf"),
    ("Koldingen", "pattensen"),
    # postcodes
    ("30159", "hannover"),
    ("30669", "hannover"),
    ("in 30823 Garbsen", "garbsen"),
    ("30851 Langenhagen", "langenhagen"),
    ("30880", "laatzen"),
    ("31535 Neustadt", "neustadt_am_ruebenberge"),
    ("31515 Wunstorf-Steinhude", "wunstorf"),
    ("31832", "springe"),
    ("PLZ 30974", "wennigsen_deister"),
    ("31224", OUTSIDE),  # Peine
    ("38165 Lehre", OUTSIDE),
    ("38272 Burgdorf", OUTSIDE),  # Burgdorf in the Landkreis Wolfenbüttel, not the Region's
    ("29221 Celle", OUTSIDE),
    # the Region as a whole: inside, but which town?
    ("Region Hannover", REGION),
    ("region hannover", REGION),
    ("Hanover Region", REGION),
    ("Landkreis Hannover", REGION),
    ("Garbsen, Region Hannover", "garbsen"),
    # outside: near-misses of Region names, "near Hannover", neighbours, other Neustadts
    ("Lehre", OUTSIDE),
    ("Gehrde", OUTSIDE),
    ("Hann. Münden", OUTSIDE),
    ("Peine bei Hannover", OUTSIDE),
    ("Peine b. Hannover", OUTSIDE),
    ("Celle, nahe Hannover", OUTSIDE),
    ("Hildesheim", OUTSIDE),
    ("Sarstedt", OUTSIDE),
    ("Bad Nenndorf", OUTSIDE),
    ("Hameln", OUTSIDE),
    ("Nienburg (Weser)", OUTSIDE),
    ("Osnabrück", OUTSIDE),
    ("Berlin", OUTSIDE),
    ("Neustadt an der Weinstraße", OUTSIDE),
    ("Neustadt an der Orla", OUTSIDE),
    ("außerhalb der Region", OUTSIDE),
    # a place near Hannover, but which? ask
    ("in der Nähe von Hannover", UNKNOWN),
    ("near Hanover", UNKNOWN),
    ("Hildeshiem", UNKNOWN),
    ("Kleinkleckersdorf", UNKNOWN),
    ("", UNKNOWN),
    # in sentences
    ("Wir sitzen in Lehrte", "lehrte"),
    ("Unser Betrieb ist in Peine bei Hannover", OUTSIDE),
    ("Burgdorf bei Hannover", "burgdorf"),
    ("Er wird in Steinhude wohnen", "wunstorf"),
    ("Er hat eine Lehre als Koch und arbeitet in Garbsen", "garbsen"),
    ("Gehalt 30900 Euro, Arbeitsort Laatzen", "laatzen"),
    ("We are based in Hanover-Linden", "hannover"),
    ("Wir sind Mitglied der IHK Hannover und sitzen in Lehrte", "lehrte"),
    ("Handwerkskammer Hannover", UNKNOWN),
    ("Wir sitzen in Garbsn und suchen einen Koch", "garbsen"),
    # ordinary words and numbers in longer messages are no places
    ("Sitzt da ein Mensch am anderen Ende?", UNKNOWN),
    ("Welche Gebühren bleiben an mir hängen?", UNKNOWN),
    ("Andere Sprache bitte", UNKNOWN),
    ("Steinhudee", "wunstorf"),
    ("Telefon 05131 44 55 66", UNKNOWN),
    ("Das Gehalt liegt bei 30900 im Jahr", UNKNOWN),
]


def _outcome(text: str) -> str:
    found = find_place(text)
    if found.kind == "municipality":
        assert found.municipality is not None
        return found.municipality.id
    return found.kind


@pytest.mark.parametrize(("text", "expected"), PLACES, ids=[text or "<empty>" for text, _ in PLACES])
def test_a_typed_place_resolves_to_its_municipality_or_outside(text: str, expected: str) -> None:
    assert _outcome(text) == expected


def test_the_table_covers_enough_places_and_postcodes() -> None:
    assert len(PLACES) >= 80
    assert sum(any(ch.isdigit() for ch in text) for text, _ in PLACES) >= 10
    assert {expected for _, expected in PLACES} >= {m.id for m in municipalities()} | {OUTSIDE, REGION, UNKNOWN}


def test_the_last_place_counts_when_asked_for() -> None:
    text = "nicht Laatzen, sondern Hemmingen"
    assert _outcome(text) == "laatzen"
    found = find_place(text, last_first=True)
    assert found.municipality is not None and found.municipality.id == "hemmingen"


def test_the_recognised_place_is_named() -> None:
    assert find_place("Peine bei Hannover").place == "Peine"
    assert find_place("Steinhude").place == "Steinhude"
    assert find_place("31224").place == "31224"


def test_region_and_municipality_count_as_inside_outside_does_not() -> None:
    assert find_place("Region Hannover").inside_region and find_place("Steinhude").inside_region
    assert not find_place("Lehre").inside_region and not find_place("Lehre").municipality


def test_match_municipality_keeps_its_meaning_for_near_misses() -> None:
    assert match_municipality("Lehre").municipality is None
    assert match_municipality("Gehrde").municipality is None
    lehrte = match_municipality("Lehrte").municipality
    assert lehrte is not None and lehrte.id == "lehrte"


def test_every_outside_place_is_really_outside_and_no_name_means_two_things() -> None:
    gaz = gazetteer()
    for name in gaz.names.values():
        if name.kind == "outside" and name.label:
            assert _outcome(name.label) == OUTSIDE, name.label
    assert len(gaz.postcodes) == sum(len(m.postcodes) for m in municipalities())


def test_a_name_listed_both_inside_and_outside_is_refused() -> None:
    raw = yaml.safe_load((KNOWLEDGE_DIR / "municipalities.yml").read_text(encoding="utf-8"))
    raw["outside_places"].append("Steinhude")
    with pytest.raises(KnowledgeError, match="Steinhude"):
        _parse_gazetteer(raw)


def test_a_postcode_listed_for_two_municipalities_is_refused() -> None:
    raw = yaml.safe_load((KNOWLEDGE_DIR / "municipalities.yml").read_text(encoding="utf-8"))
    raw["municipalities"][1]["postcodes"].append(raw["municipalities"][0]["postcodes"][0])
    with pytest.raises(KnowledgeError, match="postcode"):
        _parse_gazetteer(raw)
