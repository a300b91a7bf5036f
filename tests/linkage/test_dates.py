"""Reading dates of birth: the three formats, detection, partial dates and what cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from harbour.linkage import dates
from harbour.linkage.dates import PartialDate
from harbour.linkage.files import FileProblem, parse_mapping, read_source


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("2010-07-02", dates.ISO, PartialDate(2010, 7, 2)),
        ("2010-07", dates.ISO, PartialDate(2010, 7)),
        ("2010", dates.ISO, PartialDate(2010)),
        ("2010-07-02T00:00:00", dates.ISO, PartialDate(2010, 7, 2)),
        ("20100702", dates.COMPACT, PartialDate(2010, 7, 2)),
        ("02/07/2010", dates.UK, PartialDate(2010, 7, 2)),
        ("2.7.2010", dates.UK, PartialDate(2010, 7, 2)),
        ("02-Jul-2010", "%d-%b-%Y", PartialDate(2010, 7, 2)),
    ],
)
def test_each_format_reads_its_dates(value: str, fmt: str, expected: PartialDate) -> None:
    assert dates.parse(value, fmt) == expected


@pytest.mark.parametrize(
    ("value", "fmt"),
    [
        ("31/02/2010", dates.UK),  # no such day
        ("19450493", dates.COMPACT),  # FEBRL's kind of typo
        ("2010-13-01", dates.ISO),
        ("07/02/2010", dates.ISO),
        ("unknown", dates.UK),
        ("1066-10-14", dates.ISO),  # not a living person's
    ],
)
def test_impossible_or_foreign_values_are_unreadable(value: str, fmt: str) -> None:
    assert dates.parse(value, fmt) is None


def test_partial_dates_print_as_much_as_is_known() -> None:
    assert PartialDate(2010).iso == "2010"
    assert PartialDate(2010, 7).iso == "2010-07"
    assert PartialDate(2010, 7, 2).iso == "2010-07-02"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2010-07-02", "2011-01-30", ""], dates.ISO),
        (["20100702", "20110130"], dates.COMPACT),
        (["02/07/2010", "30/01/2011", "rubbish"], dates.UK),
        ([], dates.ISO),
    ],
)
def test_the_format_is_detected_from_the_values(values: list[str], expected: str) -> None:
    assert dates.detect(values) == expected


def test_detection_refuses_a_column_that_holds_no_dates() -> None:
    with pytest.raises(dates.DateFormatError, match="--date-format"):
        dates.detect(["Robert", "Kate"])


def test_unreadable_values_are_counted_and_left_missing() -> None:
    parsed, unreadable = dates.read_column(["02/07/2010", "31/02/2010", "", "n/k"], dates.UK)
    assert parsed == [PartialDate(2010, 7, 2), None, None, None]
    assert unreadable == 2  # the empty value is missing, not unreadable


def test_an_unknown_format_name_is_refused() -> None:
    with pytest.raises(dates.DateFormatError, match="unknown date format"):
        dates.read_column(["2010-07-02"], "dd.mm.yy")


def _csv(tmp_path: Path, born: list[str]) -> Path:
    path = tmp_path / "people.csv"
    lines = ["ref,name,born"] + [f"{i},Ann,{b}" for i, b in enumerate(born)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_file_with_a_few_bad_dates_is_read_and_they_are_counted(tmp_path: Path) -> None:
    path = _csv(tmp_path, ["02/07/2010", "30/01/2011", "31/02/2012", "15/05/2013"])
    source = read_source(
        path, id_column="ref", mapping=parse_mapping("given_name=name,date_of_birth=born")
    )
    assert source.date_format == dates.UK
    assert source.unreadable_dates == 1
    assert [r.date_of_birth for r in source.records] == ["2010-07-02", "2011-01-30", None,
                                                           "2013-05-15"]  # fmt: skip


def test_a_file_whose_dates_mostly_fail_the_given_format_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, ["2010-07-02", "2011-01-30", "2012-02-03"])
    with pytest.raises(FileProblem, match=r"3 of 3 dates of birth could not be read"):
        read_source(
            path,
            id_column="ref",
            mapping=parse_mapping("date_of_birth=born"),
            date_format=dates.UK,
        )
