"""Rules that decide whether a service, provider or committee name is what it claims to be.

The text rules of `nlp.entity_names` are checked on phrases of their own; the whole mention
stage (`nlp.extract.mentions`) on tests/fixtures/entities_contract_register.txt, a county
council's contract register report in a layout the seeds do not use ("Contractor" column,
a "Delivery" column marking in-house rows, bullets and slashes between providers, a body's
name wrapped over a blank line).
"""

import pytest

from nlp.entity_names import (
    body_start,
    defined_services,
    not_a_body,
    not_a_service,
    owner_words,
    provider_cut,
    provider_names,
    unit_names,
)
from nlp.extract import mentions
from nlp.ner import load_pipeline
from nlp.read import read
from tests.data import FIXTURES

OWNERS = owner_words("Northmoor County Council")


def test_owner_words_are_the_council_its_place_and_initials():
    assert {"Northmoor County Council", "Northmoor", "NCC"} <= OWNERS


@pytest.mark.parametrize(
    "name, before, after",
    [
        ("NCC services", "Demand on ", " has grown"),  # the council's services
        ("HR services", "all ", " are shared"),  # an acronym's services
        ("Appendix 2 – Homecare Services", "", ", Provider Planning"),  # heading joined by a dash
        ("Carers Breaks service", "The ", " users survey"),  # modifier of a compound
        ("Moorside Lifestyle service", "through our Live Well ", ", which"),  # name cut short
    ],
)
def test_not_a_service(name, before, after):
    assert not_a_service(name, before, after, OWNERS)


@pytest.mark.parametrize(
    "name, before, after",
    [
        ("Carers Breaks Service", "The ", " is provided by"),
        ("IRO service", "the ", ", which"),
        ("Home Care Services", "- ", ""),
        ("Youth Service", "Director ", " and"),  # a lead-in word, not part of the name
    ],
)
def test_a_service(name, before, after):
    assert not not_a_service(name, before, after, OWNERS)


def test_unit_names_are_directorates_divisions_and_directors_remits():
    texts = [
        "The Housing and Neighbourhood Services Directorate keeps the register.",
        "Report of the Corporate Director of Place and Growth Services",
    ]
    assert unit_names(texts) == {"Housing and Neighbourhood Service", "Place and Growth Service"}


def test_body_start_puts_back_trimmed_lead_in_words_and_drops_a_leading_noun_of():
    assert body_start("Oversight Board", "Oversight is by the Procurement ") == "Procurement Oversight Board"
    assert body_start("Review Panel", "reports to the Chairman ") == "Review Panel"  # a role is not a name
    assert body_start("Administration of Licensing Panels", "") == "Licensing Panels"


@pytest.mark.parametrize(
    "name, after",
    [
        ("Lead Cabinet", " Member for Adults"),
        ("Limited Liability Partnership", "."),
        ("Home Visiting and Family Nurse Partnership", " contract"),
        ("Area Committees", " meet monthly"),
        ("Northmoor Area Committees", " meet monthly"),
    ],
)
def test_not_a_body(name, after):
    assert not_a_body(name, after, OWNERS)


@pytest.mark.parametrize(
    "name", ["Area Committee", "Youth Offender Panels", "Moor Area Committees", "Health and Wellbeing Boards"]
)
def test_a_body(name):
    assert not not_a_body(name, " met on Monday", OWNERS)


def test_provider_cut():
    assert provider_cut("Mencap's for Supported Living School", " in the east") == "Mencap's"
    assert provider_cut("Regional School", "'s Commissioner said") is None
    assert provider_cut("Short Break School", " holiday schemes") is None
    assert provider_cut("Moorside Academy", " has agreed") == "Moorside Academy"


@pytest.mark.parametrize(
    "cell, names",
    [
        ("Salus/Addaction", ["Salus", "Addaction"]),
        ("• Fresh Table Ltd • County Kitchens", ["Fresh Table Ltd", "County Kitchens"]),
        ("Hill Farm (Moor College)", ["Hill Farm", "Moor College"]),
        ("Brightway Care Ltd (trading as BCL). Joint contract with the NHS", ["Brightway Care Ltd"]),
        ("Various (19 providers)", []),
        ("Individual providers; spot purchase", []),
        ("Approx. 700 private and voluntary nurseries", []),
        ("Carers First East Moor Carers Consortium", []),  # several names run together
        ("Moor Jobs Hub and Northmoor Supported Employment", ["Moor Jobs Hub", "Northmoor Supported Employment"]),
        ("Clay and Colour Works", ["Clay and Colour Works"]),  # one name with "and"
        ("Hilltop Trust Moorlands", ["Hilltop Trust", "Moorlands"]),  # words after a suffix: a second name
        ("12", []),
        ("Yes", []),
        ("TBC", []),
    ],
)
def test_provider_names(cell, names):
    assert provider_names(cell) == names


@pytest.mark.parametrize(
    "header, provider",
    [
        ("Provider name", True),
        ("If external: Contractor", True),
        ("Delivered by", True),
        ("Supplier", True),
        ("Provider type", False),
        ("Number of providers", False),
        ("% of providers rated good", False),
        ("Service", False),
    ],
)
def test_provider_column_header(header, provider):
    assert bool(mentions.provider_column().search(header)) is provider


def test_defined_services_read_as_far_as_the_acronym_spells():
    line = (
        "- 3.2 The Home First Reablement Team (HFRT) is a countywide service. The Support with Housing "
        "Exits and Lettings service (SHEL) helps tenants. The Moor Discharge Team (MDT) meets weekly."
    )
    assert [n for n, *_ in defined_services(line)] == [
        "Home First Reablement Team",
        "Support with Housing Exits and Lettings",
    ]


@pytest.fixture(scope="module")
def register() -> dict[str, set[str]]:
    doc = read(FIXTURES / "entities_contract_register.txt")[0]
    found: dict[str, set[str]] = {}
    for r in mentions.extract(doc, load_pipeline()):
        if isinstance(r, mentions.Mention):
            found.setdefault(r.label, set()).add(r.key)
    return found


def test_register_providers_come_from_the_contractor_column(register):
    assert register["PROVIDER"] == {
        "Brightway Care Ltd",
        "Voice4You",
        "Access Advocacy CIC",
        "Fresh Table Ltd",
        "County Kitchens",
    }


def test_register_services_are_named_services_only(register):
    assert register["SERVICE"] == {"Home First Reablement Team", "Carers Breaks Service"}


def test_register_directorate_is_an_organisation_not_a_service(register):
    assert "Housing and Neighbourhood Service" in register["ORG"]


def test_register_bodies_are_whole_names(register):
    bodies = {k for k in register["ORG"] if k.endswith(("Board", "Committee", "Partnership"))}
    assert bodies == {"Adults and Health Committee", "Procurement Oversight Board"}


@pytest.mark.parametrize(
    "line, provider",
    [
        (
            "Home care in the district is delivered by Northfield Independent Living Trust (NILT) under contract.",
            "Northfield Independent Living Trust",
        ),
        (
            "The helpline is run by Carers Support for Older People (CSOP) on weekdays.",
            "Carers Support for Older People",
        ),
        (
            "Advocacy will be provided by Voice, Advice and Rights Hub (VARH) from April.",
            "Voice, Advice and Rights Hub",
        ),
        ("Progress against Key Performance Indicators (KPI) is reported quarterly.", None),
        ("The service is run by the Council (TC).", None),
        ("The scheme is led by Beacon Housing Group (BHT).", None),
    ],
)
def test_a_provider_spelt_out_by_its_acronym_after_led_or_run_by(line, provider):
    found = [(e.text, e.label) for e in mentions.spelt_providers(line, [])]
    assert found == ([(provider, "PROVIDER")] if provider else [])


def test_a_spelt_provider_takes_the_place_of_fragments_inside_it():
    from nlp.ner import Entity

    line = "Advocacy will be provided by Voice, Advice and Rights Hub (VARH) from April."
    start = line.index("Rights Hub")
    fragment = Entity("Rights Hub", "ORG", "Rights Hub", start, start + len("Rights Hub"))
    assert [e.text for e in mentions.spelt_providers(line, [fragment])] == ["Voice, Advice and Rights Hub"]
