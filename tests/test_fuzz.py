"""Big and odd input (issue 14): the reader and the segmenter under generated input (hypothesis, bounded
time), and the inputs that used to stop a batch: a 1 M-character passage, 100k paragraphs, a NUL past the
first 8 KB, files that cannot be read."""

import base64
import random
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.errors import ReadError
from nlp.model import Document
from nlp.read import read
from nlp.segment import MAX_PASSAGE, segment

BOUNDED = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONTROLS = [chr(c) for c in [*range(0, 9), *range(11, 32), 0x7F, 0x85, 0x9F, 0x2028, 0xFFFE]]

words = st.text(st.sampled_from("abcdefghij KLMNOP £%.,;:()0123456789"), min_size=1, max_size=40)
controls = st.text(st.sampled_from(CONTROLS), min_size=1, max_size=3)
lines = st.one_of(
    st.builds(lambda w: f"# {w}", words),  # markdown heading
    st.builds(lambda n, w: f"{n}.{n} {w}", st.integers(1, 99), words),  # numbered paragraph
    st.builds(lambda w: f"- {w}", words),  # list item
    st.builds(lambda ws: "\t".join(ws), st.lists(words, min_size=2, max_size=5)),  # table row
    st.builds(lambda w, c, x: w + c + x, words, controls, words),  # control characters inside a line
    st.builds(lambda w, n: (w + " ") * n, words, st.integers(50, 400)),  # long lines
    st.just(""),
    st.just("<p>"),
    st.just("**Bold heading**"),
    words,
)
documents = st.lists(lines, min_size=1, max_size=60).map("\n".join)


def _read_text(text: str, suffix: str = ".txt") -> list[Document]:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"paper{suffix}"
        path.write_text(text, encoding="utf-8")
        return read(path)


def _check_passages(doc: Document) -> None:
    passages = segment(doc)
    assert [p.ordinal for p in passages] == list(range(1, len(passages) + 1))
    for p in passages:
        assert doc.line_start <= p.line_start <= p.line_end <= doc.line_end
        assert p.text.strip() and len(p.text) <= MAX_PASSAGE


@BOUNDED
@given(documents)
def test_any_text_reads_into_documents_of_printable_lines_and_valid_passages(text):
    try:
        docs = _read_text(text)
    except ReadError:
        return
    assert docs[0].line_start == 1
    for doc in docs:
        assert not any(c in line for line in doc.lines for c in CONTROLS)
        assert all(len(line.splitlines()) <= 1 for line in doc.lines)  # a line stays one line
        _check_passages(doc)


@BOUNDED
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".md", ".html", ""]))
def test_any_bytes_read_or_fail_with_a_read_error(raw, suffix):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"paper{suffix}"
        path.write_bytes(raw)
        try:
            docs = read(path)
        except ReadError as e:
            assert str(path) in str(e)
            return
    for doc in docs:
        _check_passages(doc)


def test_a_hundred_thousand_paragraphs_segment_in_seconds():
    """Each paragraph continues the one before across a page end, so all are joined (quadratic before: 9 s)."""
    text = [line for i in range(100_000) for line in (f"the council will carry on with item {i} of the plan and", "")]
    doc = Document("k", "A Council", "a", "Report", "Report", None, None, "0", "k.txt", 1, tuple(text))
    started = time.monotonic()
    passages = segment(doc)
    assert time.monotonic() - started < 5
    assert max(len(p.text) for p in passages) <= MAX_PASSAGE
    assert [(p.line_start, p.line_end) for p in passages[:2]] == [(1, 181), (183, 359)]  # 91 and 89 of its paragraphs
    assert passages[-1].line_end == 199_999


def test_a_long_passage_is_cut_after_sentences():
    sentence = "The committee noted the report and agreed the actions in it. "
    doc = Document("k", "A Council", "a", "Report", "Report", None, None, "0", "k.txt", 1, (sentence * 200,))
    passages = segment(doc)
    assert [len(p.text) for p in passages] == [4940, 4940, 2317]
    assert all(p.text.endswith("it.") and (p.line_start, p.line_end) == (1, 1) for p in passages)


# -- through a whole ingest ------------------------------------------------------------------------
def report_head(title: str, day: int) -> str:
    """The opening of a committee report (its date sets it apart from the other files here)."""
    return f"Report to: Cabinet\nDate: {day} May 2021\nTitle of report: {title}\n\n1. Purpose\n\nTo note the {title.lower()}.\n"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """An engine over an empty store and a folder for the odd files each test writes."""
    from kg.engine import Engine

    return Engine.open(tmp_path_factory.mktemp("data"), embed=False), tmp_path_factory.mktemp("odd")


def test_a_million_character_passage_ingests(ingested):
    """A 1,013,336-character line (a base64 blob) raised spaCy's E088 and stopped the batch; its amounts took 11 minutes."""
    engine, folder = ingested
    blob = base64.b64encode(random.Random(14).randbytes(760_000)).decode()
    (folder / "blob.txt").write_text(
        f"{report_head('Scanned appendix', 3)}\n{blob}\n\nThe appendix ends here.\n", encoding="utf-8"
    )
    started = time.monotonic()
    report = engine.ingest([folder / "blob.txt"])
    assert [d.status for d in report.documents] == ["added"] and time.monotonic() - started < 120
    lengths = [
        int(r["n"].value)
        for r in engine.sparql(
            'SELECT (STRLEN(?t) AS ?n) WHERE { ?p ckg:inDocument/ckg:sourceFile "blob.txt" ; ckg:text ?t }'
        )
    ]
    assert (
        max(lengths) == MAX_PASSAGE and sum(n == MAX_PASSAGE for n in lengths) == 202
    )  # 1,013,336 = 202 × 5,000 + 3,336


def test_a_nul_past_the_first_8_kb_is_dropped_and_xml_results_stay_valid(ingested):
    engine, folder = ingested
    filler = "\n\n".join(f"Item {i}: the council noted the report." for i in range(300))
    (folder / "nul.txt").write_text(
        f"{report_head('Letters received', 4)}\n{filler}\n\nThe clerk\x00 read the letter\x0b aloud.\n",
        encoding="utf-8",
    )
    assert (folder / "nul.txt").read_bytes().index(b"\x00") > 8192
    assert [d.status for d in engine.ingest([folder / "nul.txt"]).documents] == ["added"]
    result = engine.sparql('SELECT ?t WHERE { ?p ckg:inDocument/ckg:sourceFile "nul.txt" ; ckg:text ?t }')
    xml = ET.fromstring(result.serialize(format=ox.QueryResultsFormat.XML))
    texts = [e.text for e in xml.iter("{http://www.w3.org/2005/sparql-results#}literal")]
    assert "The clerk read the letter aloud." in texts


def test_files_that_cannot_be_read_never_stop_the_batch(ingested, tmp_path):
    """Every file failing in an empty store gave a max() traceback instead of the per-file messages."""
    from kg.engine import Engine

    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03 not text")
    alone = Engine.open(tmp_path / "data", embed=False).ingest([tmp_path / "empty.txt", tmp_path / "binary.txt"])
    assert [(d.status, d.message.split(": ", 1)[1]) for d in alone.documents] == [
        ("error", "file is empty"),
        ("error", "file looks binary (control bytes found), not text"),
    ]
    engine, folder = ingested
    (folder / "empty.txt").write_bytes(b"")
    (folder / "good.txt").write_text(report_head("Budget monitoring", 5), encoding="utf-8")
    report = engine.ingest([folder / "empty.txt", folder / "good.txt"])
    assert [(Path(d.source).name, d.status) for d in report.documents] == [
        ("empty.txt", "error"),
        ("good.txt", "added"),
    ]
