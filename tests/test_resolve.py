"""Person resolution: titles, initials, surname-only mentions and typos -> one canonical name."""

import pytest

from nlp.model import PersonRef
from nlp.ner import load_pipeline
from nlp.read import read
from nlp.resolve import canonical_names, parse_name, person_names, same_person_candidates
from tests.data import FIXTURES, SEEDS

# Pairs of distinct canonical names on the seeds that `same_person_candidates` flags,
# each with the reason they are different people. Empty: on the seeds every flagged
# near-duplicate is resolved. Add a pair only with a reason.
ALLOWED_PAIRS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def seed_refs() -> list[PersonRef]:
    nlp = load_pipeline()
    return [r for f in sorted(SEEDS.glob("*.txt")) for d in read(f) for r in person_names(d, nlp)]


@pytest.fixture(scope="module")
def seed_names(seed_refs) -> dict[str, str]:
    return canonical_names(seed_refs)


def test_parse_strips_titles_roles_and_post_nominals():
    n = parse_name("Mrs A D Allen, MBE (Vice-Chairman)")
    assert (n.given, n.initials, n.surname, n.gender) == ((), "AD", "Allen", "female")
    assert parse_name("Councillor Sylvia Tidy").text == "Sylvia Tidy"
    assert parse_name("Mrs Whittle's").text == "Whittle"
    assert parse_name("DCLDMH/Anne Tidmarsh").text == "Anne Tidmarsh"
    assert parse_name("Mrs S Howes (Substitute for Ms C J Cribbon)").text == "S Howes"


@pytest.mark.parametrize(
    "raw, canonical",
    [
        ("Mrs J Whittle (Chairman)", "Jenny Whittle"),
        ("Mrs Whittle", "Jenny Whittle"),
        ("Mr P Segurola", "Philip Segurola"),
        ("Mr P Segurolo", "Philip Segurola"),
        ("Philip Seguola", "Philip Segurola"),
        ("Cllr Tidy", "Sylvia Tidy"),
        ("Councillor Sylvia Tidy", "Sylvia Tidy"),
        ("Dr Segurola", "Philip Segurola"),
    ],
)
def test_canonical_names_examples(raw, canonical):
    refs = [
        "Jenny Whittle",
        "Mrs J Whittle (Chairman)",
        "Mrs Whittle",
        "Philip Segurola",
        "Philip Segurola",
        "Mr P Segurola",
        "Mr P Segurolo",
        "Philip Seguola",
        "Cllr Tidy",
        "Councillor Sylvia Tidy",
        "Dr Segurola",
    ]
    assert canonical_names(refs)[raw] == canonical


def test_initials_only_and_same_surname_different_people():
    names = canonical_names(["Mrs J Whittle", "Mrs Whittle", "David Whittle", "Mr D Whittle"])
    assert names["Mrs J Whittle"] == names["Mrs Whittle"] == "J Whittle"
    assert names["Mr D Whittle"] == "David Whittle"
    names = canonical_names(["Mr A Smith", "Mr B Smith", "Mr Smith"])
    assert names["Mr A Smith"] == "A Smith" and names["Mr B Smith"] == "B Smith"
    assert names["Mr Smith"] == "Smith"  # ambiguous: never guessed


def test_fixture_with_invented_names():
    doc = read(FIXTURES / "ent_minutes.txt")[0]
    refs = person_names(doc)
    names = canonical_names(refs)
    assert names["Mrs H Quiverful"] == names["Mrs Quiverful"] == "H Quiverful"
    assert names["Mr O Slope"] == names["Obadiah Slope"] == "Obadiah Slope"
    assert names["Mr Harding"] == names["Mr Hardin"] == names["Mr Septimus Hardingg"] == "Septimus Harding"
    assert names["Cllr Proudie"] == names["Councillor Mary Proudie"] == "Mary Proudie"
    assert names["Mr F Arabin"] == "F Arabin"
    assert names["Dr T Grantly"] == "T Grantly" and names["Ms E Grantly"] == "E Grantly"
    assert names["Ms Grantly"] == "E Grantly"  # the title tells which Grantly
    assert names["Dr Grantly"] == "Grantly"  # nothing tells: left unresolved
    # one letter apart, so flagged for a human to justify (as ALLOWED_PAIRS does on the seeds)
    assert ("E Grantly", "T Grantly") in same_person_candidates(set(names.values()))


def test_seed_people_resolve(seed_names):
    expect = {
        "Mrs J Whittle": "J Whittle",
        "Mrs Whittle": "J Whittle",
        "David Whittle": "David Whittle",
        "Mr P Segurolo": "Philip Segurola",
        "Philip Seguola": "Philip Segurola",
        "Mr Segurola": "Philip Segurola",
        "Mr P Segurola": "Philip Segurola",
        "Cllr Tidy": "Sylvia Tidy",
        "Cllr Standley": "Bob Standley",
        "Cllr Maynard": "Carl Maynard",
        "Cllr Bentley": "Bill Bentley",
        "Mr P J Oakford": "Peter Oakford",
        "Mr Oakford": "Peter Oakford",
        "Mr Gibbens": "Graham Gibbens",
        "Mrs Sharp": "Karen Sharp",
        "Ms K Sharp": "Karen Sharp",
        "Mr A Ireland": "Andrew Ireland",
        "Mrs A D Allen": "A D Allen",
        "Mrs Allen": "A D Allen",
        "Ms Shah": "Y Shah",
        "Mrs Carpenter": "Teresa Carpenter",
    }
    assert {raw: seed_names[raw] for raw in expect} == expect


def test_seed_counts(seed_refs, seed_names):
    segurola = [r for r in seed_refs if seed_names[r.name] == "Philip Segurola"]
    assert len({r.name for r in segurola}) == 5  # Philip Segurola, Mr Segurola, Mr P Segurola/-o, Philip Seguola
    assert len([r for r in seed_refs if seed_names[r.name] == "J Whittle"]) == 10


def test_no_unjustified_near_duplicates_on_seeds(seed_names):
    pairs = set(same_person_candidates(set(seed_names.values())))
    unexplained = pairs - set(ALLOWED_PAIRS)
    assert not unexplained, f"near-duplicate people on the seeds: {sorted(unexplained)}"


def test_same_person_candidates_flags_near_duplicates():
    pairs = same_person_candidates(["Philip Segurola", "P Segurolo", "J Whittle", "David Whittle", "Karen Sharp"])
    assert ("P Segurolo", "Philip Segurola") in pairs
    assert ("David Whittle", "J Whittle") not in pairs


def test_one_node_per_committee_however_spelt(engine):
    from nlp.entity_names import body_name

    assert (
        body_name("CHILDREN'S SOCIAL CARE & HEALTH CABINET COMMITTEE")
        == "Children's Social Care and Health Cabinet Committee"
    )
    assert (
        body_name("Resolved the Children\u2019s Social Care and Health Cabinet Committee")
        == "Children's Social Care and Health Cabinet Committee"
    )
    assert body_name("RPPR Scrutiny Board") == "RPPR Scrutiny Board"
    rows = list(
        engine.sparql(
            "SELECT DISTINCT ?c WHERE { ?c a ckg:Committee ; "
            'rdfs:label "Children\'s Social Care and Health Cabinet Committee" }'
        )
    )
    assert len(rows) == 1
    assert not list(
        engine.sparql(
            "SELECT ?o WHERE { ?o a org:Organization ; rdfs:label ?l "
            'FILTER(REGEX(?l, "(Committee|Panel)$") && NOT EXISTS { ?o a ckg:Committee }) }'
        )
    )
