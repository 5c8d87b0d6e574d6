"""The shared helpers: slugs, title case and spaces (nlp.text), words and IDF (nlp.words), dates (nlp.dates)."""

from __future__ import annotations

import math
from datetime import date

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from kg.iri import slug as iri_slug
from kg.store import OxigraphStore
from kg.virtuoso import VirtuosoStore
from nlp.dates import cell_date, first_full_date, month_line, month_number
from nlp.identity import council_aliases, council_key
from nlp.paper_text import acronym, tidy_title
from nlp.text import slug, squash, titlecase
from nlp.words import idf, spelt_out, tokens


def test_slug_folds_accents_drops_apostrophes_and_breaks_at_dashes():
    assert (
        slug("Children's Services Portfolio Plan 2020/21–2022/23")
        == "childrens-services-portfolio-plan-2020-21-2022-23"
    )
    assert slug("Mersham Street Café") == "mersham-street-cafe"
    assert slug("  --  ") == ""


def test_iri_slug_keeps_dots_is_never_empty_and_ends_in_no_hyphen_when_cut():
    assert iri_slug("Indicator 2.1") == "indicator-2.1"
    assert iri_slug("’") == "x"
    assert iri_slug("Adult Social Care and Health Portfolio Plan", limit=20) == "adult-social-care-an"
    assert iri_slug("Adult Social Care and Health Portfolio Plan", limit=18) == "adult-social-care"


def test_title_case_lowers_small_words_inside_a_title_only():
    assert (
        titlecase("CHILDREN'S SOCIAL CARE AND HEALTH CABINET COMMITTEE")
        == "Children's Social Care and Health Cabinet Committee"
    )
    assert titlecase("THE CORPORATE PARENTING PANEL") == "The Corporate Parenting Panel"
    assert tidy_title("**CORPORATE PARENTING PANEL** –") == "Corporate Parenting Panel"
    assert acronym("Corporate Parenting Panel of the Council") == "cppc"


def test_squash_folds_every_run_of_white_space():
    assert squash(" Kent \t County\u00a0\n Council ") == "Kent County Council"


def test_council_key_and_aliases_come_from_the_councils_list():
    assert council_key("Kent County Council") == "kcc"
    assert council_key("Borough Council of King’s Lynn") == "borough-of-kings-lynn"
    assert council_aliases()["kcc"] == ("kcc", "Kent County Council")


def test_tokens_stem_and_drop_stop_words_keeping_years_and_decimals_whole():
    assert tokens("The children's services received 95.5% in 2016/17, led by Councillors") == [
        "child",
        "servic",
        "receiv",
        "95.5",
        "2016/17",
        "lead",
        "councillor",
    ]


def test_spelt_out_reads_acronyms_from_consecutive_words():
    spelt = spelt_out("Looked after children in care")
    assert spelt["cic"] == {"child", "care"}
    assert spelt["lac"] == {"look", "after", "child"}


def test_idf_weighs_a_word_by_the_share_of_bags_holding_it():
    weights = idf([{"care", "child"}, {"care"}, {"care", "school"}])
    assert weights["care"] == math.log(4 / 3.5)
    assert weights["school"] == math.log(4 / 1.5)
    assert idf([{"care"}, {"child"}], smoothing=0)["care"] == math.log(3)


def test_dates_written_in_full_month_lines_and_date_cells():
    assert first_full_date("Tuesday, 22nd March, 2016 at 10.00 am") == date(2016, 3, 22)
    assert first_full_date("22/03/2016") is None
    assert month_line("**October 2020**") == date(2020, 10, 1)
    assert month_line("Published October 2020") is None
    assert cell_date(" 1.9.20 ") == date(2020, 9, 1)
    assert cell_date("01/09/2020 (tbc)") is None
    assert month_number("Sept") == 9


def test_an_on_disk_store_backs_up_to_a_copy_others_can_open(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    g = Graph()
    g.add((URIRef("urn:x:a"), URIRef("urn:x:label"), Literal("Corporate Parenting Panel")))
    store.replace_graph("urn:x:graph", g)
    assert store.can_backup()
    store.backup(tmp_path / "copy")
    copy = ox.Store.read_only(str(tmp_path / "copy"))
    assert [q.object.value for q in copy.quads_for_pattern(None, None, None, ox.NamedNode("urn:x:graph"))] == [
        "Corporate Parenting Panel"
    ]
    assert not OxigraphStore().can_backup()
    assert not VirtuosoStore.can_backup(object.__new__(VirtuosoStore))
