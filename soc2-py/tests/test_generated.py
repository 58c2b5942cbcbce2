"""The generated model classes (soc2/_generated.py) must be what soc2-py/tools/gen_models.py
makes of the committed schemas, like the schemas must be what soc2-core's types make; and
the generator must refuse what it cannot express rather than skip it."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, ClassVar, Dict, List

import pytest

import soc2
import soc2.audit
import soc2.bundle
import soc2.catalog
import soc2.locker
import soc2.report
from soc2.models import PayloadModel

REPO = Path(__file__).resolve().parents[2]
GENERATOR = REPO / "soc2-py" / "tools" / "gen_models.py"


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_models", GENERATOR)
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses looks its module up
    spec.loader.exec_module(module)
    return module


def test_generated_module_is_current() -> None:
    run = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, cwd=REPO
    )
    assert run.returncode == 0, (
        f"{run.stderr}\nsoc2/_generated.py is stale: run `python soc2-py/tools/gen_models.py` "
        "(after `SOC2_UPDATE_SCHEMAS=1 cargo test -p soc2-core --test schemas` if the Rust "
        "models changed) and commit it"
    )


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The generator working on copies of the schemas, the Rust sources and its output."""
    gen = load_generator()
    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    sources = []
    for folder in gen.RUST_SOURCES:
        copy = tmp_path / folder.relative_to(REPO)
        shutil.copytree(folder, copy)
        sources.append(copy)
    output = tmp_path / "_generated.py"
    shutil.copy(gen.OUTPUT, output)
    monkeypatch.setattr(gen, "SCHEMAS", schemas)
    monkeypatch.setattr(gen, "RUST_SOURCES", sources)
    monkeypatch.setattr(gen, "OUTPUT", output)
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    return gen


def edit_schema(gen: Any, name: str, change: Callable[[Dict[str, Any]], None]) -> None:
    path = gen.SCHEMAS / f"{name}.schema.json"
    schema = json.loads(path.read_text())
    change(schema)
    path.write_text(json.dumps(schema, indent=2))


def attachment(schema: Dict[str, Any]) -> Dict[str, Any]:
    definition: Dict[str, Any] = schema["$defs"]["Attachment"]
    return definition


def test_schemas_that_disagree_are_refused(sandbox: Any, capsys: Any) -> None:
    edit_schema(sandbox, "record", lambda s: attachment(s).update(description="Other."))
    assert sandbox.main(["--check"]) == 2
    assert "differs from the definition of the same name" in capsys.readouterr().err


def test_the_sandbox_starts_current(sandbox: Any) -> None:
    assert sandbox.main(["--check"]) == 0


def test_a_new_field_makes_the_module_stale(sandbox: Any, capsys: Any) -> None:
    # A field added to a Rust struct, and so to its schema.
    evidence_rs = sandbox.RUST_SOURCES[0] / "evidence.rs"
    text = evidence_rs.read_text()
    anchor = "    pub file_name: String,\n}"
    assert anchor in text
    added = "    pub file_name: String,\n    pub label: String,\n}"
    evidence_rs.write_text(text.replace(anchor, added))
    for name in ("evidence", "record"):
        edit_schema(
            sandbox,
            name,
            lambda s: attachment(s)["properties"].update(
                label={"description": "A label.", "type": "string"}
            ),
        )
    assert sandbox.main(["--check"]) == 1
    assert "python soc2-py/tools/gen_models.py" in capsys.readouterr().err
    assert sandbox.main([]) == 0
    generated = sandbox.OUTPUT.read_text()
    assert "    #: A label.\n    label: str = ''\n" in generated


def test_a_schema_field_without_its_rust_field_is_refused(sandbox: Any, capsys: Any) -> None:
    for name in ("evidence", "record"):
        edit_schema(
            sandbox, name, lambda s: attachment(s)["properties"].update(label={"type": "string"})
        )
    assert sandbox.main(["--check"]) == 2
    err = capsys.readouterr().err
    assert "$defs/Attachment" in err and "'label'" in err


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda a: a["properties"]["size"].update(type="number"), "unsupported type 'number'"),
        (
            lambda a: a["properties"]["size"].update({"if": {"type": "integer"}}),
            "unsupported schema keyword(s) ['if']",
        ),
        (
            lambda a: a["properties"]["size"].update(description="Size:\n- in bytes"),
            "a list",
        ),
        (lambda a: a.update(additionalProperties=True), "reject unknown fields"),
        (lambda a: a["properties"]["size"].pop("description"), "has no description"),
    ],
)
def test_unknown_constructs_are_refused(
    sandbox: Any, capsys: Any, change: Callable[[Dict[str, Any]], None], message: str
) -> None:
    # Both schemas that hold Attachment change alike, so that they still agree.
    for name in ("evidence", "record"):
        edit_schema(sandbox, name, lambda s: change(attachment(s)))
    assert sandbox.main(["--check"]) == 2
    err = capsys.readouterr().err
    assert "$defs/Attachment" in err and message in err, err


def test_documentation_comes_from_the_rust_doc_comments() -> None:
    doc = soc2.Evidence.__doc__ or ""
    assert doc.startswith("One piece of evidence, as recorded in the locker.")
    # Markdown code spans become reStructuredText literals.
    assert "``observed_at`` is when the fact held" in doc
    # Intra-doc links become their target, in Python's spelling.
    source = (REPO / "soc2-py" / "python" / "soc2" / "_generated.py").read_text()
    assert "#: The system, as named in ``Scope.systems``" in source
    assert "[`" not in source


def test_payload_kind_is_the_generated_enumeration() -> None:
    # _custom builds it from soc2-core's kinds, since it cannot import the generated alias.
    hints = typing.get_type_hints(PayloadModel)
    assert hints["kind"] == ClassVar[soc2.EvidenceKind]
    assert typing.get_args(soc2.EvidenceKind) == tuple(
        typing.Literal[k] for k in soc2.EVIDENCE_KINDS
    )


@pytest.mark.parametrize(
    "module, names",
    [
        (soc2.report, ["Report", "ControlResult", "CatalogDisclosure", "RecordingTime"]),
        (soc2.audit, ["Sample", "SampledItem", "PopulationItem", "RequestList"]),
        (soc2.catalog, ["Thresholds", "Scope", "CatalogControl"]),
        (soc2.locker, ["Record"]),
        (soc2.bundle, ["InclusionProof"]),
    ],
)
def test_report_audit_catalog_locker_and_bundle_classes_are_generated(
    module: ModuleType, names: List[str]
) -> None:
    import soc2._generated as generated

    for name in names:
        cls = getattr(module, name)
        # Defined by the generator, presented as a class of its public module.
        assert cls is getattr(generated, name)
        assert cls.__module__ == module.__name__
    # Hand-written behaviour reaches them as mixins.
    assert callable(soc2.Report.render) and callable(soc2.RequestList.to_csv)
    assert callable(soc2.InclusionProof.verify) and callable(soc2.InclusionProof.from_locker)
    # The catalog view stays hand-written.
    assert soc2.Catalog.__module__ == "soc2.catalog" and not hasattr(generated, "Catalog")


def test_a_struct_default_is_the_class_built_from_its_defaults() -> None:
    field = soc2.Report._by_name["recording_time"]
    assert not field.required and field.default_value() == soc2.RecordingTime()
    # The JSON form requires `selected` and `path`, the constructors keep their empty default.
    assert soc2.Sample._by_name["selected"].default_value() == []
    assert soc2.InclusionProof._by_name["path"].default_value() == []


def test_a_struct_default_that_is_not_the_class_defaults_is_refused(
    sandbox: Any, capsys: Any
) -> None:
    edit_schema(
        sandbox,
        "report",
        lambda s: s["properties"]["recording_time"]["default"].update(records=1),
    )
    assert sandbox.main(["--check"]) == 2
    err = capsys.readouterr().err
    assert "properties/recording_time" in err and "is not what RecordingTime() holds" in err


def test_an_empty_list_default_for_no_field_is_refused(
    sandbox: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        sandbox, "EMPTY_LIST_DEFAULTS", sandbox.EMPTY_LIST_DEFAULTS | {("Sample", "gone")}
    )
    assert sandbox.main(["--check"]) == 2
    assert "('Sample', 'gone')" in capsys.readouterr().err
