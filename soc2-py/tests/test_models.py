"""The models from Python: the same behaviours as soc2-core's model tests (round trips of
every example, rejection of every invalid document naming its field), plus what the Python
layer adds: keyword construction, datetime and date conversion, repr, equality and dicts."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple, Type

import jsonschema  # type: ignore[import-untyped]
import pytest
from conftest import EXAMPLES, example_files, load_schema
from jsonschema import Draft202012Validator, FormatChecker

import soc2
from soc2.models import Model

UTC = timezone.utc
T0 = datetime(2026, 3, 28, 14, 5, tzinfo=UTC)


def evidence(**changes: Any) -> soc2.Evidence:
    fields: Dict[str, Any] = dict(
        controls=["AC-01"],
        observed_at=T0,
        collected_at=datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
        collector=soc2.PersonCollector(id="cto@example.com"),
        source="okta",
        payload=soc2.AccessReview(
            system="okta",
            reviewer="cto@example.com",
            accounts=[
                soc2.ReviewedAccount(
                    account="bob@example.com",
                    decision="revoke",
                    actioned_at=datetime(2026, 3, 29, 10, 0, tzinfo=UTC),
                )
            ],
        ),
    )
    fields.update(changes)
    return soc2.Evidence(**fields)


# -- Round trips (soc2-core/tests/examples.rs) ------------------------------------------

DOCUMENTS: Dict[str, Type[Model]] = {
    "evidence": soc2.Evidence,
    "control": soc2.Control,
    "audit-finding": soc2.AuditFinding,
    "audit-period": soc2.AuditPeriod,
}


@pytest.mark.parametrize(
    ("folder", "path"),
    [(folder, p) for folder in DOCUMENTS for p in example_files(folder)],
    ids=lambda v: getattr(v, "name", v),
)
def test_every_example_round_trips(folder: str, path: Path) -> None:
    cls = DOCUMENTS[folder]
    text = path.read_text()
    value = cls.from_json(text)
    # Pretty output is byte-identical to the example, as in Rust.
    assert value.to_json(pretty=True) == text
    canonical = value.to_json()
    again = cls.from_json(canonical)
    assert again == value
    assert again.to_json() == canonical
    assert cls.from_dict(value.to_dict()) == value
    assert cls.from_json(text.encode()) == value


def test_one_example_per_payload_kind() -> None:
    kinds = []
    for path in example_files("evidence"):
        e = soc2.Evidence.from_json(path.read_text())
        assert e.kind == path.stem
        assert type(e.payload) is soc2.PAYLOAD_CLASSES[e.kind]
        kinds.append(e.kind)
    assert sorted(kinds) == sorted(soc2.EVIDENCE_KINDS)
    assert set(soc2.PAYLOAD_CLASSES) == set(soc2.EVIDENCE_KINDS)


def test_canonical_digest_matches_the_command_line(soc2_cli: Any) -> None:
    paths = example_files("evidence")
    out = soc2_cli("validate", *paths)
    assert out.returncode == 0, out.stderr
    # Lines read "ok  <sha256>  <path>".
    cli = {Path(line.split()[2]).name: line.split()[1] for line in out.stdout.splitlines()}
    for path in paths:
        e = soc2.Evidence.from_json(path.read_text())
        assert e.canonical_sha256() == cli[path.name], path.name


# -- Invalid documents (docs/examples/invalid) ------------------------------------------

EXPECTED_FIELDS: Dict[str, str] = json.loads(
    (EXAMPLES / "invalid" / "expected_fields.json").read_text()
)


@pytest.mark.parametrize("name", sorted(EXPECTED_FIELDS))
def test_invalid_documents_are_rejected_naming_the_field(name: str) -> None:
    text = (EXAMPLES / "invalid" / f"{name}.json").read_text()
    with pytest.raises(soc2.ValidationError) as info:
        soc2.Evidence.from_json(text)
    err = info.value
    assert err.path == EXPECTED_FIELDS[name]
    assert err.line > 0 and err.column > 0
    assert f"field `{err.path}`" in str(err)
    assert isinstance(err, soc2.Soc2Error) and isinstance(err, ValueError)


def test_invalid_values_built_in_python_are_rejected_when_made() -> None:
    """As pydantic users expect: the constructor raises, naming the field with
    soc2-core's message, instead of the locker much later."""
    cases: List[Tuple[Callable[[], object], str, str]] = [
        (lambda: evidence(controls=["1-bad id"]), "controls[0]", "invalid control id"),
        (lambda: evidence(controls="AC-01"), "controls", "expected a sequence"),
        (lambda: evidence(source=5), "source", "expected a string"),
        (lambda: evidence(source="Rene\u0301"), "source", "NFC"),  # NFD, not NFC
        (
            lambda: soc2.ChangeRecord(repository="a/b", number=2**53, author="x"),
            "number",
            "",
        ),
        (
            lambda: soc2.ChangeRecord(repository="a/b", number=1.5, author="x"),  # type: ignore[arg-type]
            "number",
            "",
        ),
        (lambda: soc2.ChangeRecord(repository="a/b", number=-1, author="x"), "number", ""),
        (
            lambda: soc2.ReviewedAccount(account="a", decision="approve"),  # type: ignore[arg-type]
            "decision",
            "unknown variant `approve`",
        ),
        (
            lambda: soc2.Attachment(sha256="ABC", size=1, media_type="text/csv", file_name="a"),
            "sha256",
            "",
        ),
        (lambda: soc2.Quarter(year=2026, quarter=0), "", "a quarter is numbered 1 to 4"),
        (lambda: soc2.Quarter(year=2026, quarter=5), "", "no quarter 5 in 2026"),
    ]
    for make, path, message in cases:
        with pytest.raises(soc2.ValidationError) as info:
            make()
        assert (info.value.path or "").endswith(path), (path, str(info.value))
        assert message in str(info.value), str(info.value)


def test_the_constructor_and_the_locker_give_the_same_message() -> None:
    with pytest.raises(soc2.ValidationError) as made:
        soc2.ReviewedAccount(account="a", decision="approve")  # type: ignore[arg-type]
    account = soc2.ReviewedAccount(account="a", decision="keep")
    account.decision = "approve"  # type: ignore[assignment]
    with pytest.raises(soc2.ValidationError) as serialised:
        account.to_json()
    assert made.value.reason == serialised.value.reason
    assert made.value.path == serialised.value.path == "decision"


def test_values_assigned_after_construction_are_rejected_when_serialised() -> None:
    review = soc2.AccessReview(
        system="s", reviewer="r", accounts=[soc2.ReviewedAccount(account="a", decision="keep")]
    )
    review.accounts[0].decision = "maybe"  # type: ignore[assignment]
    with pytest.raises(soc2.ValidationError, match="unknown variant `maybe`"):
        evidence(payload=review)  # checked when made, nested objects included
    cases = [(review, "accounts[0].decision")]
    for item, path in cases:
        with pytest.raises(soc2.ValidationError) as info:
            item.to_json()
        assert info.value.path == path, str(info.value)
        with pytest.raises(soc2.ValidationError):
            item.to_dict()
        with pytest.raises(soc2.ValidationError):
            item.canonical_sha256()


def test_values_json_cannot_hold_are_a_validation_error() -> None:
    with pytest.raises(soc2.ValidationError, match="type object cannot be written as JSON") as info:
        evidence(source=object())
    assert info.value.path == "source"
    with pytest.raises(soc2.ValidationError, match="expected a string"):
        evidence(source=3).to_json()
    with pytest.raises(soc2.ValidationError, match="out of range"):
        soc2.ChangeRecord(repository="a/b", number=2**70, author="x").to_json()
    with pytest.raises(soc2.ValidationError):
        soc2.Note.from_dict({"title": {1, 2}})
    with pytest.raises(soc2.ValidationError, match="UTF-8"):
        soc2.Note.from_json(b"\xff")


def test_a_document_of_another_kind_is_rejected() -> None:
    control = (EXAMPLES / "control" / "access_review.json").read_text()
    with pytest.raises(soc2.ValidationError):
        soc2.Evidence.from_json(control)
    with pytest.raises(soc2.ValidationError, match="expected a 'tool'"):
        soc2.ToolCollector.from_json('{"person": {"id": "x"}}')


def test_null_is_read_as_absent() -> None:
    e = soc2.Evidence.from_json(evidence().to_json())
    d = e.to_dict()
    d["payload"]["access_review"]["accounts"][0]["note"] = None
    again = soc2.Evidence.from_dict(d)
    assert again.payload.accounts[0].note is None  # type: ignore[union-attr]
    assert again == e


# -- Construction ------------------------------------------------------------------------


def test_constructors_take_keyword_arguments_only() -> None:
    with pytest.raises(TypeError):
        soc2.Note("title")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'title'"):
        soc2.Note()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        soc2.Note(title="t", titel="t")  # type: ignore[call-arg]
    note = soc2.Note(title="t")
    assert note.body == ""
    with pytest.raises(AttributeError, match="no field 'titel'"):
        note.titel = "x"  # type: ignore[attr-defined]


def test_defaults_follow_the_model() -> None:
    account = soc2.Account(account="a", status="active")
    assert account.privileged is None and account.mfa is None and account.roles == []
    # Each instance gets its own list.
    other = soc2.Account(account="b", status="active")
    account.roles.append("admin")
    assert other.roles == []
    assert soc2.Account.from_json('{"account": "a", "status": "active"}') == soc2.Account(
        account="a", status="active"
    )


def test_aware_datetimes_are_converted_to_utc_with_whole_seconds() -> None:
    paris = timezone(timedelta(hours=2))
    e = evidence(observed_at=datetime(2026, 3, 28, 16, 5, 0, 999_999, tzinfo=paris))
    assert e.observed_at == T0
    assert e.observed_at.tzinfo is UTC
    assert e.to_dict()["observed_at"] == "2026-03-28T14:05:00Z"
    # zoneinfo time zones too.
    zoneinfo = pytest.importorskip("zoneinfo")
    ny = datetime(2026, 3, 28, 10, 5, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert evidence(observed_at=ny).observed_at == T0
    # Setting an attribute converts the same way.
    e.collected_at = datetime(2026, 4, 2, 11, 0, tzinfo=paris)
    assert e.to_dict()["collected_at"] == "2026-04-02T09:00:00Z"


def test_naive_datetimes_are_rejected_with_a_clear_error() -> None:
    with pytest.raises(soc2.ValidationError, match="naive datetime .* time zone") as info:
        evidence(observed_at=datetime(2026, 3, 28, 14, 5))
    assert info.value.path == "Evidence.observed_at"
    assert isinstance(info.value, ValueError) and isinstance(info.value, soc2.Soc2Error)
    e = evidence()
    with pytest.raises(soc2.ValidationError, match="naive"):
        e.observed_at = datetime(2026, 3, 28)
    with pytest.raises(soc2.ValidationError, match="naive"):
        soc2.ReviewedAccount(account="a", decision="keep", actioned_at=datetime(2026, 1, 1))
    with pytest.raises(soc2.ValidationError, match="expected a datetime"):
        evidence(observed_at="2026-03-28T14:05:00Z")
    with pytest.raises(soc2.ValidationError, match="expected a datetime"):
        evidence(observed_at=date(2026, 3, 28))
    # Optional timestamps accept None.
    assert soc2.ReviewedAccount(account="a", decision="keep", actioned_at=None).actioned_at is None


def test_dates_are_datetime_dates() -> None:
    person = soc2.Person(
        id="a@example.com",
        name="A",
        employment_type="employee",
        start_date=date(2026, 1, 5),
        in_scope=True,
    )
    assert person.to_dict()["start_date"] == "2026-01-05"
    assert soc2.Person.from_dict(person.to_dict()).start_date == date(2026, 1, 5)
    with pytest.raises(soc2.ValidationError, match="expected a datetime.date"):
        soc2.Person(
            id="a",
            name="A",
            employment_type="employee",
            start_date=datetime(2026, 1, 5, tzinfo=UTC),
            in_scope=True,
        )
    with pytest.raises(soc2.ValidationError, match="expected a datetime.date"):
        soc2.Person(id="a", name="A", employment_type="employee", start_date="2026-01-05", in_scope=True)  # type: ignore[arg-type]


def test_nested_values_must_be_model_objects() -> None:
    with pytest.raises(soc2.ValidationError, match=r"Evidence.payload: expected AccessReview or"):
        evidence(payload={"note": {"title": "x"}})
    with pytest.raises(soc2.ValidationError, match="Evidence.collector"):
        evidence(collector="cto@example.com")
    with pytest.raises(soc2.ValidationError, match=r"AccessReview.accounts\[1\]: expected ReviewedAccount"):
        soc2.AccessReview(
            system="s",
            reviewer="r",
            accounts=[soc2.ReviewedAccount(account="a", decision="keep"), "b"],  # type: ignore[list-item]
        )
    with pytest.raises(soc2.ValidationError, match="expected a list"):
        soc2.UserList(system="s", accounts="abc")  # type: ignore[arg-type]


def test_repr_is_readable_and_omits_defaults() -> None:
    note = soc2.Note(title="Pen test")
    assert repr(note) == "Note(title='Pen test')"
    assert repr(soc2.PersonCollector(id="x")) == "PersonCollector(id='x')"
    r = repr(evidence())
    assert r.startswith("Evidence(controls=['AC-01'], observed_at=datetime.datetime(2026, 3, 28, 14, 5")
    assert "attachments" not in r
    assert "decision='revoke'" in r
    # The repr evaluates back to an equal value.
    namespace = {**vars(soc2), "datetime": __import__("datetime")}
    assert eval(r, namespace) == evidence()


def test_equality_compares_values() -> None:
    assert evidence() == evidence()
    assert evidence() != evidence(source="github")
    assert evidence() != "evidence"
    assert soc2.Note(title="x") != soc2.PersonCollector(id="x")
    with pytest.raises(TypeError):
        hash(evidence())
    # Small value types are immutable and hashable.
    assert {soc2.Quarter(year=2026, quarter=1), soc2.Quarter(year=2026, quarter=1)} == {
        soc2.Quarter(year=2026, quarter=1)
    }
    with pytest.raises(AttributeError):
        soc2.Quarter(year=2026, quarter=1).year = 2027  # type: ignore[misc]


def test_copy_and_pickle() -> None:
    e = evidence()
    assert copy.deepcopy(e) == e
    assert pickle.loads(pickle.dumps(e)) == e
    p = soc2.AuditPeriod.parse("2026-01-01..2026-12-31")
    assert pickle.loads(pickle.dumps(p)) == p


def test_signatures_are_introspectable() -> None:
    import inspect

    sig = inspect.signature(soc2.ReviewedAccount)
    assert list(sig.parameters) == ["account", "person", "roles", "decision", "actioned_at", "note"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in sig.parameters.values())
    assert sig.parameters["person"].default is None
    assert sig.parameters["decision"].default is inspect.Parameter.empty


# -- Controls, periods, findings, criteria ------------------------------------------------


def test_control_cadences() -> None:
    control = soc2.Control.from_json((EXAMPLES / "control" / "leaver.json").read_text())
    assert isinstance(control.cadence, soc2.WithinDaysOf)
    assert control.cadence.event == "termination"
    control.cadence = "quarterly"
    assert control.to_dict()["cadence"] == "quarterly"
    control.cadence = soc2.WithinDaysOf(event="hire", days=30)
    assert control.to_dict()["cadence"] == {"within_days_of": {"days": 30, "event": "hire"}}
    control.cadence = "weekly"  # type: ignore[assignment]
    with pytest.raises(soc2.ValidationError, match="cadence"):
        control.to_json()
    assert str(soc2.TimeToFix(min_days=7, max_days=14)) == "1-2 weeks"
    assert str(soc2.TimeToFix(min_days=1, max_days=3)) == "1-3 days"
    assert str(soc2.TimeToFix(min_days=7, max_days=7)) == "1 week"


def test_periods_like_soc2_core() -> None:
    p = soc2.AuditPeriod.parse("2026-01-01..2026-12-31")
    assert p == soc2.AuditPeriod(start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert p == soc2.AuditPeriod.type2(date(2026, 1, 1), date(2026, 12, 31))
    assert not p.is_type1 and p.date is None
    assert str(p) == "2026-01-01..2026-12-31"
    t1 = soc2.AuditPeriod.parse("2026-06-30")
    assert t1 == soc2.AuditPeriod.type1(date(2026, 6, 30)) == soc2.AuditPeriod(date=date(2026, 6, 30))
    assert t1.is_type1 and t1.start == t1.end == t1.date == date(2026, 6, 30)
    assert t1.to_dict() == {"type1": {"date": "2026-06-30"}}
    assert repr(t1) == "AuditPeriod(date=datetime.date(2026, 6, 30))"
    with pytest.raises(soc2.ValidationError, match="before it starts"):
        soc2.AuditPeriod.parse("2026-12-31..2026-01-01")
    with pytest.raises(soc2.ValidationError, match="before it starts"):
        soc2.AuditPeriod(start=date(2026, 12, 31), end=date(2026, 1, 1))
    with pytest.raises(soc2.ValidationError, match="expected YYYY-MM-DD"):
        soc2.AuditPeriod.parse("2026-01-01..")
    with pytest.raises(TypeError):
        soc2.AuditPeriod(start=date(2026, 1, 1))
    with pytest.raises(AttributeError):
        p.start = date(2026, 2, 1)  # type: ignore[misc]
    assert p.contains(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
    assert not p.contains(datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))) + timedelta(hours=1))
    assert p.contains_date(date(2026, 1, 1)) and not p.contains_date(date(2025, 12, 31))
    assert hash(p) == hash(soc2.AuditPeriod.parse("2026-01-01..2026-12-31"))


def test_quarters_of_a_fiscal_year() -> None:
    p = soc2.AuditPeriod.parse("2026-04-01..2027-03-31")
    assert [str(q) for q in p.quarters()] == ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    q1 = soc2.Quarter(year=2026, quarter=1)
    assert q1.last_day() == date(2026, 3, 31) and q1.first_day() == date(2026, 1, 1)
    assert soc2.Quarter(year=2026, quarter=4).next() == soc2.Quarter(year=2027, quarter=1)
    assert soc2.Quarter.containing(date(2026, 8, 15)) == soc2.Quarter(year=2026, quarter=3)


def test_finding_round_trip_and_fields() -> None:
    f = soc2.AuditFinding.from_json((EXAMPLES / "audit-finding" / "missed_review.json").read_text())
    assert f.period == soc2.AuditPeriod.parse("2026-01-01..2026-12-31")
    assert f.affected[0].kind == "occurrence" and f.remediation_due == date(2026, 10, 15)
    # Management's response to the finding, as the report shows it.
    assert f.status == "remediating" and f.management_response == f.responses[0].response
    r = f.responses[0]
    assert (r.item, r.status, r.owner, r.record) == (None, "remediating", "it-lead@example.com", 212)
    assert (r.given_on, r.target_date) == (date(2026, 10, 1), date(2026, 10, 15))
    f.deviations = 5
    f.population = 4
    # soc2-core's model has no rule tying deviations to population; the value round-trips.
    assert soc2.AuditFinding.from_json(f.to_json()) == f


CRITERIA_GROUPS = [
    ("CC", 1, 5), ("CC", 2, 3), ("CC", 3, 4), ("CC", 4, 2), ("CC", 5, 3), ("CC", 6, 8),
    ("CC", 7, 5), ("CC", 8, 1), ("CC", 9, 2), ("A", 1, 3), ("C", 1, 2), ("PI", 1, 5),
    ("P", 1, 1), ("P", 2, 1), ("P", 3, 2), ("P", 4, 3), ("P", 5, 2), ("P", 6, 7),
    ("P", 7, 1), ("P", 8, 1),
]  # fmt: skip


def test_all_61_criteria() -> None:
    expected = [f"{p}{g}.{i}" for p, g, n in CRITERIA_GROUPS for i in range(1, n + 1)]
    assert [c.id for c in soc2.Criterion.all()] == expected
    for c in soc2.Criterion.all():
        assert c.title and soc2.Criterion(c.id) == c and str(c) == c.id
        want = {"CC": "security", "PI": "processing_integrity", "A": "availability", "C": "confidentiality"}
        assert c.category == want.get(c.prefix, "privacy")
        assert c.id.startswith(c.prefix)


@pytest.mark.parametrize(
    ("text", "id"),
    [
        ("cc_6_1", "CC6.1"), ("cc_1_5", "CC1.5"), ("cc_a_1_1", "A1.1"), ("cc_c_1_2", "C1.2"),
        ("cc_pi_1_3", "PI1.3"), ("cc_p_6_7", "P6.7"), ("6.1", "CC6.1"), ("9.2", "CC9.2"),
        ("a1.2", "A1.2"), ("cc7.4", "CC7.4"), ("pi1.5", "PI1.5"), ("p8.1", "P8.1"),
    ],
)  # fmt: skip
def test_other_tools_spellings_of_criteria(text: str, id: str) -> None:
    assert soc2.Criterion.parse(text).id == id
    assert repr(soc2.Criterion(text)) == f'Criterion("{id}")'


@pytest.mark.parametrize("text", ["CC10.1", "cc_6", "cc_06_1", "", "X1.1", "cc_x_1_1"])
def test_unknown_criteria_are_rejected(text: str) -> None:
    with pytest.raises(soc2.ValidationError, match="unknown Trust Services Criterion"):
        soc2.Criterion.parse(text)


def test_documents_hold_canonical_criterion_ids_only() -> None:
    control = soc2.Control.from_json((EXAMPLES / "control" / "access_review.json").read_text())
    control.criteria = ["cc_6_1"]
    with pytest.raises(soc2.ValidationError, match="criteria"):
        control.to_json()
    control.criteria = [soc2.Criterion("cc_6_1").id]
    assert control.to_dict()["criteria"] == ["CC6.1"]
    assert sorted(soc2.Criterion.all())[0] == soc2.Criterion("CC1.1")


# -- Against the committed JSON Schemas ---------------------------------------------------


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name), format_checker=FormatChecker())


def test_documents_built_in_python_validate_against_the_schemas() -> None:
    validator("evidence").validate(evidence().to_dict())
    validator("evidence").validate(
        evidence(
            collector=soc2.ToolCollector(name="okta-export", version="1.0"),
            payload=soc2.UserList(
                system="okta",
                accounts=[
                    soc2.Account(
                        account="a",
                        status="active",
                        privileged=True,
                        mfa=False,
                        roles=["admin"],
                        created_at=T0,
                    )
                ],
            ),
            attachments=[
                soc2.Attachment(
                    sha256="0" * 64, size=12, media_type="text/csv", file_name="users.csv"
                )
            ],
        ).to_dict()
    )
    control = soc2.Control(
        id="AC-02",
        title="Leavers lose access",
        area="access_reviews",
        criteria=["CC6.2"],
        cadence=soc2.WithinDaysOf(event="termination", days=1),
        owner="IT",
        severity="high",
        time_to_fix=soc2.TimeToFix(min_days=1, max_days=3),
        priority="fix_first",
        evidence_kinds=["roster", "user_list"],
    )
    validator("control").validate(control.to_dict())
    finding = soc2.AuditFinding(
        control="AC-02",
        criteria=["CC6.2"],
        period=soc2.AuditPeriod(start=date(2026, 1, 1), end=date(2026, 12, 31)),
        severity="high",
        summary="A leaver kept access",
        population=3,
        deviations=1,
        affected=[soc2.AffectedItem(kind="account", id="bob", reason="active after leaving")],
        status="open",
        remediation_due=date(2026, 9, 1),
    )
    validator("audit-finding").validate(finding.to_dict())
    validator("audit-period").validate(soc2.AuditPeriod(date=date(2026, 6, 30)).to_dict())
    for path in example_files("evidence"):
        validator("evidence").validate(soc2.Evidence.from_json(path.read_text()).to_dict())


def _resolve(schema: Dict[str, Any], node: Dict[str, Any]) -> Dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def _object_schemas(schema: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    """Every object definition of a schema with properties, by its $defs name."""
    defs = {name: d for name, d in schema.get("$defs", {}).items() if "properties" in d}
    if "properties" in schema:
        defs[schema["title"]] = schema
    return defs


def _python_fields(cls: Type[Model]) -> Dict[str, bool]:
    return {f.name: f.required for f in cls._fields}


def test_python_classes_match_the_schemas_field_for_field() -> None:
    """Every struct of the Rust model has a Python class with the same fields, and the same
    required ones (a new Rust field without its Python twin fails here)."""
    seen = set()
    for name in ["evidence", "control", "audit-finding", "report", "record"]:
        schema = load_schema(name)
        for def_name, node in _object_schemas(schema).items():
            cls = getattr(soc2, def_name, None)
            assert cls is not None, f"no Python class for {def_name}"
            required = set(node.get("required", []))
            fields = {k: k in required for k in node["properties"]}
            assert _python_fields(cls) == fields, def_name
            seen.add(def_name)
        # Enum variants carrying data (Collector::Tool, Cadence::WithinDaysOf, Payload::*).
        for def_name, node in schema.get("$defs", {}).items():
            for variant in node.get("oneOf", []):
                props = variant.get("properties", {})
                if len(props) != 1 or def_name == "AuditPeriod":
                    # AuditPeriod is one hand-written class (see test_periods_like_soc2_core).
                    continue
                ((tag, inner),) = props.items()
                inner = _resolve(schema, inner)
                if "properties" not in inner:
                    continue
                classes = [
                    c
                    for c in vars(soc2).values()
                    if isinstance(c, type) and issubclass(c, Model) and c._tag == tag
                ]
                assert len(classes) == 1, f"{def_name}::{tag}"
                required = set(inner.get("required", []))
                assert _python_fields(classes[0]) == {k: k in required for k in inner["properties"]}
    assert {"Evidence", "Account", "Device", "Control", "AuditFinding", "Report", "DueItem"} <= seen


def _enum_values(schema: Dict[str, Any], node: Dict[str, Any]) -> List[str]:
    node = _resolve(schema, node)
    if "enum" in node:
        return list(node["enum"])
    values: List[str] = []
    for variant in node.get("oneOf", []):
        values += variant.get("enum", [])
        if "const" in variant:
            values.append(variant["const"])
    return values


def test_python_enumerations_match_the_schemas() -> None:
    from typing import get_args

    schema = load_schema("evidence")
    control = load_schema("control")
    finding = load_schema("audit-finding")
    report = load_schema("report")
    pairs = [
        (schema, "ReviewDecision", soc2.ReviewDecision),
        (schema, "AccountStatus", soc2.AccountStatus),
        (schema, "Platform", soc2.Platform),
        (schema, "DeviceCompliance", soc2.DeviceCompliance),
        (schema, "ReviewState", soc2.ReviewState),
        (schema, "BackgroundCheckStatus", soc2.BackgroundCheckStatus),
        (schema, "Adjudication", soc2.Adjudication),
        (schema, "TrainingStatus", soc2.TrainingStatus),
        (schema, "EventClass", soc2.EventClass),
        (schema, "VendorCriticality", soc2.VendorCriticality),
        (schema, "AssuranceKind", soc2.AssuranceKind),
        (schema, "RiskLevel", soc2.RiskLevel),
        (schema, "RiskTreatment", soc2.RiskTreatment),
        (schema, "EmploymentType", soc2.EmploymentType),
        (schema, "Detection", soc2.Detection),
        (schema, "EventOutcome", soc2.EventOutcome),
        (schema, "TriageConclusion", soc2.TriageConclusion),
        (control, "ControlArea", soc2.ControlArea),
        (control, "TriggerEvent", soc2.TriggerEvent),
        (control, "Severity", soc2.Severity),
        (control, "PriorityClass", soc2.PriorityClass),
        (control, "EvidenceKind", soc2.EvidenceKind),
        (finding, "ItemKind", soc2.ItemKind),
        (finding, "FindingStatus", soc2.FindingStatus),
        (report, "ControlStatus", soc2.ControlStatus),
        (report, "CellStatus", soc2.CellStatus),
        (report, "OpinionRisk", soc2.OpinionRisk),
        (report, "DeviationNature", soc2.DeviationNature),
        (report, "DifferenceKind", soc2.DifferenceKind),
        (report, "ThresholdDirection", soc2.ThresholdDirection),
        (report, "ControlTest", soc2.ControlTest),
    ]
    for s, name, alias in pairs:
        python = [get_args(lit)[0] for lit in get_args(alias)]
        assert python == _enum_values(s, {"$ref": f"#/$defs/{name}"}), name
    assert [get_args(lit)[0] for lit in get_args(soc2.EvidenceKind)] == list(soc2.EVIDENCE_KINDS)


def test_schema_rejects_what_python_serialisation_rejects() -> None:
    # The Python layer never produces a document the schema refuses: a bad value fails in
    # soc2-core before any JSON is returned.
    with pytest.raises(soc2.ValidationError, match="invalid control id"):
        evidence(controls=["1-bad id"])
    with pytest.raises(jsonschema.ValidationError):
        validator("evidence").validate({**evidence().to_dict(), "controls": ["1-bad id"]})
