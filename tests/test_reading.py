"""Reading files: multi-document files, metadata, encodings and bad input."""

from datetime import date

import pytest

from nlp.errors import ReadError
from nlp.read import read
from tests.data import SEEDS


def test_seed_000_holds_two_plans_with_their_own_metadata():
    sept, asch = read(SEEDS / "000_ef67688da2edb598.txt")
    assert sept.title == "Children's Services Portfolio Plan 2020/21–2022/23"
    assert (sept.doc_type, sept.issued, sept.period, sept.council_key) == (
        "PortfolioPlan",
        date(2020, 9, 1),
        (2020, 2022),
        "escc",
    )
    assert asch.title == "Adult Social Care and Health Portfolio Plan 2020/21–2022/23"
    assert asch.issued == date(2020, 7, 1)
    assert sept.line_start == 1 and asch.line_start == sept.line_end + 1
    assert asch.lines[0] == "Adult Social Care and Health"
    assert sept.sha256 != asch.sha256


def test_every_seed_reads_as_its_kind():
    kinds = {f.name[:3]: [(d.doc_type, d.council) for d in read(f)] for f in sorted(SEEDS.iterdir())}
    assert kinds["001"] == [("PortfolioPlan", "East Sussex County Council")]
    assert kinds["003"] == [("ScrutinyReport", "East Sussex County Council")]
    assert kinds["004"] == [("AgendaPack", "Kent County Council")]
    (scrutiny,) = read(SEEDS / "003_d8b0eb0283d79c88.txt")
    assert scrutiny.issued == date(2013, 11, 11)
    (pack,) = read(SEEDS / "004_726bb34c4a465f33.txt")
    assert pack.issued == date(2016, 3, 22)
    assert pack.title == "Children's Social Care and Health Cabinet Committee agenda pack, 22 March 2016"


def test_empty_file_is_refused_by_name(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_text("  \n\n")
    with pytest.raises(ReadError, match="empty.txt: file is empty"):
        read(f)


def test_binary_file_is_refused_by_name(tmp_path):
    f = tmp_path / "image.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(ReadError, match="image.txt: file looks binary"):
        read(f)


def test_oversize_file_is_refused_by_name(tmp_path):
    f = tmp_path / "huge.txt"
    f.write_text("Plan\n" + "x" * 2000)
    with pytest.raises(ReadError, match=r"huge.txt: file is 0.0 MB, over the 0 MB limit"):
        read(f, max_bytes=1000)


def test_unsupported_format_is_refused(tmp_path):
    f = tmp_path / "budget.xlsb"
    f.write_bytes(b"Budget 2024/25\n")
    with pytest.raises(ReadError, match="budget.xlsb: unsupported format '.xlsb'"):
        read(f)


def test_windows_1252_is_decoded_with_a_warning(tmp_path):
    f = tmp_path / "cp1252.txt"
    f.write_bytes(
        "Report to:\tPlaces Scrutiny Committee\nDate:\t3 May 2022\nTitle of report:\tCaf\xe9 budget \u2013 \u00a3120k\n\n"
        "The council\u2019s caf\u00e9 costs \u00a3120,000.\n".encode("cp1252")
    )
    (doc,) = read(f)
    assert "The council\u2019s caf\u00e9 costs \u00a3120,000." in doc.lines
    assert doc.warnings == (f"{f}: not valid UTF-8; decoded as cp1252",)
    assert doc.issued == date(2022, 5, 3) and doc.doc_type == "ScrutinyReport"


def test_latin_1_bytes_outside_cp1252_fall_back_to_latin_1(tmp_path):
    f = tmp_path / "latin1.txt"
    f.write_bytes("Plan for Bras\xeflia\n".encode("latin-1") + b"\x81 control\n")
    (doc,) = read(f)
    assert doc.lines[0] == "Plan for Bras\u00eflia"
    assert "decoded as latin-1" in doc.warnings[0]


def test_a_directory_yields_its_documents_and_a_named_file_is_read_whatever_its_suffix(tmp_path):
    from nlp.read import iter_files

    (tmp_path / "minutes.txt").write_text("Minutes of the Cabinet held on 7 March 2023\n", encoding="utf-8")
    (tmp_path / "questions.jsonl").write_text('{"q": 1}\n', encoding="utf-8")
    (tmp_path / "figures.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert iter_files([tmp_path]) == [tmp_path / "minutes.txt"]
    assert iter_files([tmp_path / "questions.jsonl"]) == [
        tmp_path / "questions.jsonl"
    ]  # named: read, and refused there
