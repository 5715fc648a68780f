"""LMS bulk downloads (Canvas, Moodle, Blackboard), zipped or unpacked, and discussion exports."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from overlap.errors import SettingsError
from overlap.ingest import ExportColumns, Ingested, read_documents
from overlap.ingest.dates import iso_timestamp
from overlap.ingest.lms import Submitter, parse_receipt, submitter
from overlap.model import FileError, Role
from tests.docmakers import docx_bytes, para, pdf_bytes, zip_bytes

RECEIPT = """Name: Jane Doe (jdoe)
Assignment: Essay 1
Date Submitted: Friday, November 20, 2026 10:11:12 AM EST
Current Grade: Needs Grading

Submission Field:
{field}

Comments:
There are no student comments for this assignment.

Files:
\tOriginal filename: essay.docx
\tFilename: Essay 1_jdoe_attempt_2026-11-20-10-11-12_essay.docx
"""
NO_TEXT = "There is no student submission text data for this assignment."

CANVAS = {
    "doejane_12345_67890_essay.docx": docx_bytes(para("Jane's Canvas essay.")),
    "smithbob_LATE_23456_78901_essay.pdf": pdf_bytes([["Bob late essay."]]),
    "leeann_34567_89012_notes.txt": b"Ann's notes.",
}
MOODLE = {
    "Jane Doe_12345_assignsubmission_file_/essay.docx": docx_bytes(para("Jane's Moodle essay.")),
    "Jane Doe_12345_assignsubmission_onlinetext_/onlinetext.html": (
        b"<p>Jane&rsquo;s online text.</p><p>Second paragraph.</p>"
    ),
    "Bob Smith_23456_assignsubmission_file_Bob essay.txt": b"Bob's flat-named file.",
}
BLACKBOARD = {
    "Essay 1_jdoe_attempt_2026-11-20-10-11-12.txt": RECEIPT.format(field=NO_TEXT).encode(),
    "Essay 1_jdoe_attempt_2026-11-20-10-11-12_essay.docx": docx_bytes(para("Jane's BB essay.")),
    "Essay 1_bsmith_attempt_2026-11-21-08-00-05.txt": RECEIPT.replace(
        "Jane Doe (jdoe)", "Bob Smith (bsmith)"
    )
    .replace("10:11:12 AM", "8:00:05 AM")
    .format(field="Bob typed his answer\ninto the text box.")
    .encode(),
    "Essay 1_cwu_attempt_2026-11-22-23-59-59_final.pdf": pdf_bytes([["Chen essay, no receipt."]]),
}


def write(root: Path, files: Mapping[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


Row = tuple[str, str, str | None, str | None]


def summary(result: Ingested, root: Path) -> list[Row]:
    """(path inside the download, text, student, submitted_at) of every document."""
    prefix = root.as_posix() + "/"
    return [
        (d.path.removeprefix(prefix), d.text, d.student, d.submitted_at) for d in result.documents
    ]


def read_both_ways(tmp_path: Path, files: Mapping[str, bytes]) -> tuple[list[Row], list[Row]]:
    """Read a download unpacked and zipped; return the summaries, zip paths without ``x.zip!``."""
    unpacked = read_documents([write(tmp_path / "unpacked", files)], Role.SUBMISSION)
    (tmp_path / "zipped").mkdir()
    (tmp_path / "zipped" / "x.zip").write_bytes(zip_bytes(files))
    zipped = read_documents([tmp_path / "zipped"], Role.SUBMISSION)
    assert unpacked.errors == zipped.errors == ()
    inside = [
        (path.removeprefix("x.zip!"), text, student, at)
        for path, text, student, at in summary(zipped, tmp_path / "zipped")
    ]
    return summary(unpacked, tmp_path / "unpacked"), inside


def test_canvas(tmp_path: Path) -> None:
    unpacked, zipped = read_both_ways(tmp_path, CANVAS)
    assert (
        unpacked
        == zipped
        == [
            ("doejane_12345_67890_essay.docx", "Jane's Canvas essay.", "doejane", None),
            ("leeann_34567_89012_notes.txt", "Ann's notes.", "leeann", None),
            ("smithbob_LATE_23456_78901_essay.pdf", "Bob late essay.", "smithbob", None),
        ]
    )


def test_moodle(tmp_path: Path) -> None:
    unpacked, zipped = read_both_ways(tmp_path, MOODLE)
    assert (
        unpacked
        == zipped
        == [
            (
                "Bob Smith_23456_assignsubmission_file_Bob essay.txt",
                "Bob's flat-named file.",
                "Bob Smith",
                None,
            ),
            (
                "Jane Doe_12345_assignsubmission_file_/essay.docx",
                "Jane's Moodle essay.",
                "Jane Doe",
                None,
            ),
            (
                "Jane Doe_12345_assignsubmission_onlinetext_/onlinetext.html",
                "Jane\u2019s online text.\n\nSecond paragraph.",
                "Jane Doe",
                None,
            ),
        ]
    )


def test_blackboard(tmp_path: Path) -> None:
    unpacked, zipped = read_both_ways(tmp_path, BLACKBOARD)
    assert (
        unpacked
        == zipped
        == [
            (
                "Essay 1_bsmith_attempt_2026-11-21-08-00-05.txt",
                "Bob typed his answer\ninto the text box.",
                "Bob Smith",
                "2026-11-21T08:00:05",
            ),
            (
                "Essay 1_cwu_attempt_2026-11-22-23-59-59_final.pdf",
                "Chen essay, no receipt.",
                "cwu",
                "2026-11-22T23:59:59",
            ),
            (
                "Essay 1_jdoe_attempt_2026-11-20-10-11-12_essay.docx",
                "Jane's BB essay.",
                "Jane Doe",
                "2026-11-20T10:11:12",
            ),
        ]
    )


def test_lms_download_inside_a_course_folder_zip(tmp_path: Path) -> None:
    files = {f"Week 3/{name}": data for name, data in {**MOODLE, **BLACKBOARD}.items()}
    (tmp_path / "course.zip").write_bytes(zip_bytes(files))
    result = read_documents([tmp_path / "course.zip"], Role.SUBMISSION)
    assert result.errors == ()
    students = {d.path.rpartition("/")[2]: d.student for d in result.documents}
    assert students["essay.docx"] == "Jane Doe"
    assert students["Essay 1_jdoe_attempt_2026-11-20-10-11-12_essay.docx"] == "Jane Doe"
    assert all(
        d.path.startswith(f"{tmp_path.as_posix()}/course.zip!Week 3/") for d in result.documents
    )


def test_metadata_csv_overrides_lms_names(tmp_path: Path) -> None:
    write(tmp_path, CANVAS)
    (tmp_path / "metadata.csv").write_text(
        "path,student,submitted_at,term\n"
        "doejane_12345_67890_essay.docx,Jane Doe,2026-09-01T09:00:00,Fall 2026\n"
    )
    docs = {d.path.rpartition("/")[2]: d for d in read_documents([tmp_path], Role.PRIOR).documents}
    jane = docs["doejane_12345_67890_essay.docx"]
    assert (jane.student, jane.submitted_at, jane.term) == (
        "Jane Doe",
        "2026-09-01T09:00:00",
        "Fall 2026",
    )
    assert docs["leeann_34567_89012_notes.txt"].student == "leeann"


def test_unsupported_file_of_a_submission_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, {"doejane_12345_67890_essay.pages": b"PK..", "random.pages": b"PK.."})
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [(e.path.rpartition("/")[2], e.error) for e in result.errors] == [
        ("doejane_12345_67890_essay.pages", "unsupported file type .pages")
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("doejane_12345_67890_essay.docx", Submitter("canvas", "doejane", "12345")),
        ("doejane_LATE_12345_67890_essay.docx", Submitter("canvas", "doejane", "12345", late=True)),
        ("sub/o-brien-anne_1234_5678_my_essay_v2.pdf", Submitter("canvas", "o-brien-anne", "1234")),
        (
            "Jane Doe_12345_assignsubmission_file_/essay.docx",
            Submitter("moodle", "Jane Doe", "12345"),
        ),
        (
            "Jane Doe_12345_assignsubmission_file_/nested/deeper/essay.docx",
            Submitter("moodle", "Jane Doe", "12345"),
        ),
        (
            "Ana Lía_7_assignsubmission_onlinetext_/onlinetext.html",
            Submitter("moodle", "Ana Lía", "7"),
        ),
        (
            "x/Essay 1_jdoe_attempt_2026-11-20-10-11-12_essay.docx",
            Submitter(
                "blackboard",
                "jdoe",
                "jdoe",
                "2026-11-20T10:11:12",
                attempt="x/Essay 1_jdoe_attempt_2026-11-20-10-11-12",
            ),
        ),
        ("essay.docx", None),
        ("week_3_notes.txt", None),
        ("report_12_34_final.docx", None),
        ("Essay 1_jdoe_attempt_2026-11-20.docx", None),
        ("scan_2024_0001_page.pdf", None),
    ],
)
def test_submitter_names(path: str, expected: Submitter | None) -> None:
    assert submitter(path) == expected


def test_receipt_parsing() -> None:
    receipt = parse_receipt(RECEIPT.format(field=NO_TEXT))
    assert receipt is not None
    assert (receipt.student, receipt.user_id, receipt.submitted_at, receipt.text) == (
        "Jane Doe",
        "jdoe",
        "2026-11-20T10:11:12",
        None,
    )
    typed = parse_receipt(RECEIPT.format(field="Line one\n\nLine two"))
    assert typed is not None and typed.text == "Line one\n\nLine two"
    assert parse_receipt(RECEIPT.format(field="<p>Typed &amp; <b>marked</b></p>")) is not None
    assert parse_receipt("Just an essay.\nName: in the middle\nDate Submitted: x") is None
    assert parse_receipt("Name: Someone\nNo other receipt lines") is None


def test_receipt_that_is_not_a_receipt_is_an_ordinary_file(tmp_path: Path) -> None:
    write(tmp_path, {"Essay 1_jdoe_attempt_2026-11-20-10-11-12.txt": b"An essay, not a receipt."})
    [doc] = read_documents([tmp_path], Role.SUBMISSION).documents
    assert (doc.text, doc.student, doc.submitted_at) == (
        "An essay, not a receipt.",
        "jdoe",
        "2026-11-20T10:11:12",
    )


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024-09-28T19:27:55", "2024-09-28T19:27:55"),
        ("2024-09-28 19:27:55", "2024-09-28T19:27:55"),
        ("2024-09-28T19:27:55Z", "2024-09-28T19:27:55+00:00"),
        ("2024-09-28T19:27:55.250-05:00", "2024-09-28T19:27:55.250000-05:00"),
        ("2024-09-28", "2024-09-28"),
        ("1727551675", "2024-09-28T19:27:55+00:00"),
        ("1727551675000", "2024-09-28T19:27:55+00:00"),
        ("2026-11-20-10-11-12", "2026-11-20T10:11:12"),
        ("Friday, November 20, 2026 10:11:12 AM EST", "2026-11-20T10:11:12"),
        ("Friday, 20 November 2026, 1:05 PM", "2026-11-20T13:05:00"),
        ("11/20/2026 10:11", "2026-11-20T10:11:00"),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_iso_timestamp(raw: str | None, iso: str | None) -> None:
    assert iso_timestamp(raw) == iso


# --- discussion exports ---------------------------------------------------------------------

CSV_EXPORT = (
    "id,author,created_at,message,likes\n"
    "101,Jane Doe,2026-03-01 10:00:00,First post about trust.,3\n"
    '102,Bob Smith,2026-03-01T11:30:00Z,"<p>Second <b>post</b>,</p><p>with markup.</p>",0\n'
    "103,Ann Lee,2026-03-02 09:15:00,,1\n"
    '104,Chen Wu,not a date,"Multi-line\npost.",2\n'
)


def test_csv_export_one_document_per_post(tmp_path: Path) -> None:
    write(tmp_path, {"forum.csv": CSV_EXPORT.encode()})
    result = read_documents([tmp_path], Role.SUBMISSION)
    path = (tmp_path / "forum.csv").as_posix()
    assert result.errors == (
        FileError(f"{path}#row-3", "no post text: 'message' is empty (id 103)"),
    )
    assert result.errors[0].row
    assert summary(result, tmp_path) == [
        ("forum.csv#101", "First post about trust.", "Jane Doe", "2026-03-01T10:00:00"),
        ("forum.csv#102", "Second post,\n\nwith markup.", "Bob Smith", "2026-03-01T11:30:00+00:00"),
        ("forum.csv#104", "Multi-line\npost.", "Chen Wu", "not a date"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "keys"),
    [
        pytest.param(
            "posts.csv",
            "User Name;Date;Body\nJane;2026-03-01;Semicolon post.\nBob;2026-03-02;Another.\n",
            ["row-1", "row-2"],
            id="semicolons-no-id",
        ),
        pytest.param(
            "posts.csv",
            "\ufeffuser\ttimestamp\ttext\nJane\t1772359200\tTab post.\n",
            ["row-1"],
            id="tabs-bom-epoch",
        ),
        pytest.param(
            "posts.jsonl",
            json.dumps(
                {
                    "id": 7,
                    "user": {"name": "Jane"},
                    "created_at": "2026-03-01",
                    "message": "Nested.",
                }
            )
            + "\n\n"
            + json.dumps({"user_name": "Bob", "posted_at": "2026-03-02", "body": "No id."})
            + "\n",
            ["7", "row-3"],  # row-N is line N: the blank line counts
            id="jsonl",
        ),
    ],
)
def test_export_layouts(tmp_path: Path, name: str, data: str, keys: list[str]) -> None:
    write(tmp_path, {name: data.encode()})
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert result.errors == ()
    assert [d.path.rpartition("#")[2] for d in result.documents] == keys
    assert result.documents[0].student == "Jane"
    assert result.documents[0].submitted_at is not None
    assert result.documents[0].submitted_at.startswith("2026-03-01")


def test_export_columns_are_configurable(tmp_path: Path) -> None:
    write(tmp_path, {"e.csv": b"who,when,said\nJane,2026-03-01,Custom columns.\n"})
    assert read_documents([tmp_path], Role.SUBMISSION).documents == ()
    columns = ExportColumns(author=("who",), timestamp=("when",), body=("said",))
    [doc] = read_documents([tmp_path], Role.SUBMISSION, columns=columns).documents
    assert (doc.text, doc.student, doc.submitted_at) == ("Custom columns.", "Jane", "2026-03-01")


@pytest.mark.parametrize(
    "kwargs",
    [{"body": ()}, {"author": "author"}, {"id": ("",)}, {"timestamp": (3,)}],
)
def test_export_columns_validated(kwargs: dict[str, object]) -> None:
    with pytest.raises(SettingsError):
        ExportColumns(**kwargs)  # type: ignore[arg-type]


def test_data_files_are_not_exports_unless_given(tmp_path: Path) -> None:
    truth = json.dumps({"submission": "s01.txt", "text": "a labelled passage"}) + "\n"
    write(tmp_path, {"truth.jsonl": truth.encode(), "scores.csv": b"text,score\nabc,1\n"})
    found = read_documents([tmp_path], Role.SUBMISSION)
    assert found.documents == ()
    need = "not a discussion export: no {} for the author (author, user, name, user_name, "
    assert [
        (e.path.rpartition("/")[2], e.error.split("username")[0], e.row) for e in found.errors
    ] == [
        ("scores.csv", need.format("column"), False),
        ("truth.jsonl", need.format("key"), False),
    ]
    assert found.errors[0].error.endswith("; columns: text, score")
    given = read_documents([tmp_path / "scores.csv"], Role.SUBMISSION)
    assert [d.text for d in given.documents] == ["abc"]


def test_bad_export_rows_and_files(tmp_path: Path) -> None:
    lines = [json.dumps({"author": "A", "body": "good"}), "{not json", "[1, 2]"]
    write(tmp_path, {"p.jsonl": "\n".join(lines).encode(), "q.csv": b"author,body\n"})
    write(tmp_path, {"r.csv": b"x,y\n1,2\n"})
    result = read_documents(
        [tmp_path / "p.jsonl", tmp_path / "q.csv", tmp_path / "r.csv"], Role.SUBMISSION
    )
    assert [d.text for d in result.documents] == ["good"]
    errors = [(e.path.rpartition("/")[2], e.error.split(" (")[0]) for e in result.errors]
    assert errors == [
        ("p.jsonl#row-2", "not JSON"),
        ("p.jsonl#row-3", "not a JSON object"),
        ("q.csv", "no posts: the export has a header and no rows"),
        ("r.csv", "not a discussion export: no column for the post text"),
    ]


BODY_NAMES = "(message, body, text, content, post)"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        pytest.param(
            "a.csv",
            "Poster,When,Contents\nann,2024-01-01,A post nobody maps.\n",
            f"not a discussion export: no column for the post text {BODY_NAMES}; "
            "columns: Poster, When, Contents",
            id="unmapped-columns",
        ),
        pytest.param(
            "b.csv",
            "Author Name;Created At;Message Body\nann;2024-01-01;A post nobody maps.\n",
            f"not a discussion export: no column for the post text {BODY_NAMES}; "
            "columns: Author Name, Created At, Message Body",
            id="unmapped-semicolons",
        ),
        pytest.param(
            "c.jsonl",
            json.dumps({"Poster": "ann", "When": "2024", "Contents": "A post nobody maps."}),
            f"not a discussion export: no key for the post text {BODY_NAMES}; "
            "keys: Poster, When, Contents",
            id="unmapped-keys",
        ),
        pytest.param(
            "d.csv",
            "author,body,body\nann,first body,second body\n",
            "duplicate column for the post text: 'body', 'body' (columns 2, 3)",
            id="duplicate-body",
        ),
        pytest.param(
            "e.csv",
            "Author,user,Body,body\nann,a1,first body,second body\n",
            "duplicate column for the post text: 'Body', 'body' (columns 3, 4)",
            id="duplicate-body-case",
        ),
        pytest.param("f.csv", "\n \n", "empty file", id="empty"),
    ],
)
def test_exports_that_cannot_be_mapped_are_named_errors(
    tmp_path: Path, name: str, data: str, reason: str
) -> None:
    write(tmp_path, {name: data.encode(), "ok.txt": b"A readable essay."})
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [d.text for d in result.documents] == ["A readable essay."]
    assert result.errors == (FileError((tmp_path / name).as_posix(), reason),)
    assert not result.errors[0].row


def test_export_rows_without_text_are_named_errors(tmp_path: Path) -> None:
    lines = [
        json.dumps({"author": "A", "text": None}),
        "",
        json.dumps({"author": "B", "text": "The one good post."}),
        json.dumps({"author": "C", "text": "   "}),
        json.dumps({"author": "D", "text": ["a", "list"]}),
        json.dumps({"id": 9, "author": "E", "text": "<p> </p>"}),
        json.dumps({"author": "F", "note": "no text key"}),
        '{"author": "G", "text": "first", "text": "second"}',
        "[1, 2]",
    ]
    write(tmp_path, {"p.jsonl": "\n".join(lines).encode()})
    csv = "id,author,body\n1,H,\n,,\n2,I,Good CSV post.\n3,J\n"
    write(tmp_path, {"q.csv": csv.encode()})
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [(d.path.rpartition("/")[2], d.student) for d in result.documents] == [
        ("p.jsonl#row-3", "B"),
        ("q.csv#2", "I"),
    ]
    assert [(e.path.rpartition("/")[2], e.error) for e in result.errors] == [
        ("p.jsonl#row-1", "no post text: 'text' is null"),
        ("p.jsonl#row-4", "no post text: 'text' is empty"),
        ("p.jsonl#row-5", "no post text: 'text' is not text"),
        ("p.jsonl#row-6", "no post text: 'text' holds only markup (id 9)"),
        ("p.jsonl#row-7", "no key for the post text; keys: author, note"),
        ("p.jsonl#row-8", "duplicate key for the post text: 'text', 'text'"),
        ("p.jsonl#row-9", "not a JSON object"),
        ("q.csv#row-1", "no post text: 'body' is empty (id 1)"),
        ("q.csv#row-4", "no post text: no 'body' cell (id 3)"),
    ]
    assert all(e.row for e in result.errors)


def test_jsonl_rows_are_line_numbers(tmp_path: Path) -> None:
    # Blank lines count, CRLF ends a line, U+2028 inside a string does not (an editor's view).
    lines = [
        "",
        json.dumps({"author": "A", "text": "Line\u2028separator kept."}, ensure_ascii=False),
    ]
    lines += ["", "  ", "{broken", "", "", json.dumps({"author": "B", "text": "Line eight."})]
    write(tmp_path, {"p.jsonl": "\r\n".join(lines).encode()})
    result = read_documents([tmp_path], Role.SUBMISSION)
    assert [(d.path.rpartition("#")[2], d.text) for d in result.documents] == [
        ("row-2", "Line\u2028separator kept."),
        ("row-8", "Line eight."),
    ]
    assert [e.path.rpartition("#")[2] for e in result.errors] == ["row-5"]


def test_receipt_text_with_markup_is_stripped(tmp_path: Path) -> None:
    receipt = RECEIPT.format(field="<p>Typed &amp; <b>marked</b> up.</p><p>Two.</p>")
    write(tmp_path, {"Essay 1_jdoe_attempt_2026-11-20-10-11-12.txt": receipt.encode()})
    [doc] = read_documents([tmp_path], Role.SUBMISSION).documents
    assert (doc.text, doc.student) == ("Typed & marked up.\n\nTwo.", "Jane Doe")
