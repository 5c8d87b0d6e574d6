"""Segmenting documents into passages with section paths and exact line spans."""

from collections import Counter

from nlp.read import read
from nlp.segment import segment
from tests.data import SEEDS


def _passages(name: str, index: int = 0):
    doc = read(SEEDS / name)[index]
    return doc, segment(doc)


def test_passage_text_matches_its_source_lines():
    for f in sorted(SEEDS.iterdir()):
        raw = f.read_text(encoding="utf-8").split("\n")
        for doc in read(f):
            for p in segment(doc):
                assert p.line_start <= p.line_end
                first_words = p.text.split()[0].strip("*#-")
                assert any(first_words in raw[n - 1] for n in range(p.line_start, p.line_end + 1)), p


def test_table_rows_keep_their_column_headers():
    doc, passages = _passages("000_ef67688da2edb598.txt")
    row = next(p for p in passages if p.text.startswith("Early Help and Social Care\t55,593"))
    assert row.kind == "table_row"
    assert row.headers[:4] == ("Divisions", "2018/19 Gross", "2018/19 Income + Net Recharges", "2018/19 Net")
    assert row.headers[-1] == "2020/21 Net"
    measure = next(p for p in passages if p.text.startswith("Cllr Tidy\tRate of children with a Child Protection Plan"))
    assert measure.headers[2:5] == ("2018/19 Outturn", "2019/20 Outturn", "2020/21 Target")
    assert measure.section[-1] == "Performance Measures and Targets"


def test_kinds_and_section_paths():
    doc, passages = _passages("000_ef67688da2edb598.txt")
    kinds = Counter(p.kind for p in passages)
    assert set(kinds) == {"heading", "paragraph", "list_item", "table_header", "table_row"}
    para = next(p for p in passages if p.text.startswith("1.6 We will work in partnership"))
    assert (para.kind, para.section[-1]) == ("paragraph", "Portfolios Overview")
    item = next(p for p in passages if p.text.startswith("- universal child health offer"))
    assert item.kind == "list_item" and item.line_start == item.line_end
    heading = next(p for p in passages if p.text == "Lead Member for Children and Families")
    assert heading.kind == "heading" and heading.line_end == heading.line_start + 1


def test_ordinals_are_dense_and_no_passage_is_empty():
    for f in sorted(SEEDS.iterdir()):
        for doc in read(f):
            ps = segment(doc)
            assert [p.ordinal for p in ps] == list(range(1, len(ps) + 1))
            assert all(p.text.strip() for p in ps)
