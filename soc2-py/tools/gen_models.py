#!/usr/bin/env python3
"""Generates the Python model classes from the JSON Schemas in ``schemas/``.

soc2-core's model types are the one description of the model: schemars turns them into
``schemas/*.schema.json`` (``SOC2_UPDATE_SCHEMAS=1 cargo test -p soc2-core --test
schemas``), and this script turns the schemas into ``soc2-py/python/soc2/_generated.py``:
every model class whose shape a schema gives (fields, types, defaults, documentation) and
the ``Literal`` aliases of the enumerations. Behaviour stays hand-written, in
``soc2/_custom.py``, and reaches the generated classes through the few tables below.

    python soc2-py/tools/gen_models.py          # rewrite _generated.py
    python soc2-py/tools/gen_models.py --check  # exit 1 if it is stale (the drift test)

A schema construct this script does not know (a keyword, a type, a kind of enum, a
Markdown form in a description) stops it with an error naming where it is, rather than
being skipped: a model change then either generates correctly or fails loudly.

schemars writes an object's properties sorted by name (serde_json's map sorts, and
turning on its ``preserve_order`` would also reorder every JSON value soc2-core writes,
such as imported rows and the pretty output, which promise sorted keys). The order of
fields, which users see in ``repr`` and the constructor's signature, is therefore read
from the Rust struct declarations in soc2-core, and checked against the schema's
properties field for field.

Standard library only, so that it runs anywhere the repository is checked out.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
OUTPUT = ROOT / "soc2-py" / "python" / "soc2" / "_generated.py"
# Where the Rust declarations of the generated types live (for the order of fields).
RUST_SOURCES = [
    ROOT / "soc2-core" / "src" / folder
    for folder in ("model", "catalog", "report", "evaluate", "bundle")
]

REGENERATE = "python soc2-py/tools/gen_models.py"
UPDATE_SCHEMAS = "SOC2_UPDATE_SCHEMAS=1 cargo test -p soc2-core --test schemas"

# -- What to generate, and what the schemas cannot say -------------------------------------

#: The definitions to generate, with everything they refer to: (schema file, definition;
#: None for the schema's root type, the public module its classes belong to). A definition
#: belongs to the module of the first root that reaches it.
ROOTS: List[Tuple[str, Optional[str], str]] = [
    ("evidence", None, "soc2.models"),
    ("control", None, "soc2.models"),
    ("audit-finding", None, "soc2.models"),
    ("catalog", "SystemOwner", "soc2.catalog"),
    ("catalog", "Frequency", "soc2.catalog"),
    ("catalog", "ControlTest", "soc2.catalog"),
    # Not the root `Catalog`: soc2.catalog.Catalog is a view of the native catalog (its
    # methods call soc2-core), not a class built from fields.
    ("resolved-catalog", "Scope", "soc2.catalog"),
    ("resolved-catalog", "CatalogControl", "soc2.catalog"),
    ("report", None, "soc2.report"),
    ("sample", None, "soc2.audit"),
    ("request-list", None, "soc2.audit"),
    ("record", None, "soc2.locker"),
    ("inclusion-proof", None, "soc2.bundle"),
]

#: Definitions that are Python built-in types rather than classes or aliases.
BUILTIN_TYPES: Dict[str, str] = {
    "Timestamp": "_dt.datetime",
    "Date": "_dt.date",
    # The models hold criteria as their ids; `soc2.Criterion` is the native class that
    # describes one.
    "Criterion": "str",
}

#: Definitions written by hand in soc2/_custom.py (a custom JSON form).
HANDWRITTEN: Dict[str, str] = {"AuditPeriod": "AuditPeriod"}

# The public module of each hand-written class of `_custom.py`, set at the end of the
# generated file with the generated classes' (see `Generator.render`).
CUSTOM_HOMES: Dict[str, str] = {
    "AuditPeriod": "soc2.models",
    "PayloadModel": "soc2.models",
    "Quarter": "soc2.models",
}

#: Hand-written behaviour mixed into a generated class (classes in soc2/_custom.py).
MIXINS: Dict[str, str] = {
    "Evidence": "EvidenceMethods",
    "InclusionProof": "InclusionProofMethods",
    "TimeToFix": "TimeToFixMethods",
    "Report": "ReportMethods",
    "RequestList": "RequestListMethods",
}

#: Classes whose instances are immutable and hashable.
FROZEN = {"TimeToFix", "Thresholds"}

#: The class of each variant of a Rust enum that carries named fields, by (enum, tag).
VARIANT_CLASSES: Dict[Tuple[str, str], str] = {
    ("Collector", "tool"): "ToolCollector",
    ("Collector", "person"): "PersonCollector",
    ("Cadence", "within_days_of"): "WithinDaysOf",
}

#: Enums whose variants each wrap one struct: the structs' base class (hand-written; it
#: sets each class's tag from the class attribute ``kind``, the variant's name).
WRAPPER_ENUMS: Dict[str, str] = {"Payload": "PayloadModel"}

#: Defaults the schema cannot state: schemars leaves out a default that
#: ``skip_serializing_if`` would skip, and for an enum that is not the type's zero value.
DEFAULTS: Dict[Tuple[str, str], str] = {("ChangeRecord", "change_type"): "pull_request"}

#: Lists the JSON form requires (soc2-core always writes them) that the Python constructor
#: makes empty when not given, as the classes did before they were generated: the native
#: module reads the object's value, so the default never reaches a JSON parser.
EMPTY_LIST_DEFAULTS = {
    ("Sample", "selected"),
    ("RequestList", "requests"),
    ("InclusionProof", "path"),
}

# The default of a list field (a fresh empty list per instance).
LIST_DEFAULT = "field(default_factory=list)"

# Keywords that only restrict values: soc2-core checks every value, so they are not
# reflected in Python (an unknown keyword is an error, see `_check_keys`).
VALIDATION_ONLY = {"format", "minimum", "maximum", "pattern", "minLength", "maxLength",
                   "minItems", "maxItems", "uniqueItems"}


class SchemaError(Exception):
    """A schema construct the generator does not know how to express in Python."""


def fail(where: str, message: str) -> SchemaError:
    return SchemaError(
        f"{where}: {message}\n(teach soc2-py/tools/gen_models.py this construct, or change "
        "the model; see docs/python-models.md)"
    )


# -- Reading the schemas -------------------------------------------------------------------


def load_definitions() -> Tuple[Dict[str, Any], Dict[str, str]]:
    """Every definition of every schema, by name, with the file it was first seen in.
    A name defined differently by two schemas is an error."""
    defs: Dict[str, Any] = {}
    origin: Dict[str, str] = {}
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        name = path.name[: -len(".schema.json")]
        root = {k: v for k, v in schema.items() if k not in ("$schema", "$defs", "title")}
        entries = list(schema.get("$defs", {}).items()) + [(schema["title"], root)]
        for def_name, definition in entries:
            if def_name in defs and defs[def_name] != definition:
                raise fail(
                    f"{path.name} $defs/{def_name}",
                    f"differs from the definition of the same name in {origin[def_name]}",
                )
            defs.setdefault(def_name, definition)
            origin.setdefault(def_name, path.name)
    return defs, origin


def ref_name(node: Dict[str, Any], where: str) -> str:
    ref = node["$ref"]
    if not ref.startswith("#/$defs/"):
        raise fail(where, f"unsupported $ref {ref!r}")
    return str(ref[len("#/$defs/") :])


def _check_keys(node: Dict[str, Any], allowed: Set[str], where: str) -> None:
    unknown = set(node) - allowed - VALIDATION_ONLY - {"description"}
    if unknown:
        raise fail(where, f"unsupported schema keyword(s) {sorted(unknown)}")


# -- Field order, from the Rust declarations -----------------------------------------------


def _strip_rust(text: str) -> str:
    """Rust source without comments, string literals and attributes, so that only
    declarations remain."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
        elif c == '"':
            i += 1
            while text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i : i + 4]):
            i = text.index("'", i + 1) + 1  # a char literal, not a lifetime
        elif text.startswith("#[", i) or text.startswith("#![", i):
            depth, i = 0, text.index("[", i)
            while True:
                if text[i] == "[":
                    depth += 1
                elif text[i] == "]":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _block(text: str, start: int) -> str:
    """The text between the brace at `start` and its match."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i]
    raise ValueError("unbalanced braces")


def _top_level_split(body: str) -> Iterator[str]:
    """Splits a struct or enum body at its top-level commas."""
    depth, start = 0, 0
    for i, c in enumerate(body):
        if c in "({[<":
            depth += 1
        elif c in ")}]" or (c == ">" and body[i - 1] != "-"):
            depth -= 1
        elif c == "," and depth == 0:
            yield body[start:i]
            start = i + 1
    yield body[start:]


def _field_names(body: str) -> List[str]:
    names = []
    for part in _top_level_split(body):
        m = re.match(r"\s*(?:pub(?:\([^)]*\))?\s+)?(?:r#)?(\w+)\s*:", part)
        if m:
            names.append(m.group(1))
    return names


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def rust_field_orders() -> Dict[str, List[str]]:
    """Field names in declaration order: of each struct by its name, and of each enum
    variant with named fields by ``Enum.variant_tag``. Names declared twice with different
    fields are left out (and then reported if a schema needs them)."""
    orders: Dict[str, List[str]] = {}
    ambiguous = set()

    def record(key: str, names: List[str]) -> None:
        if key in orders and orders[key] != names:
            ambiguous.add(key)
        orders[key] = names

    for folder in RUST_SOURCES:
        for path in sorted(folder.rglob("*.rs")):
            text = _strip_rust(path.read_text(encoding="utf-8"))
            for m in re.finditer(r"\b(struct|enum)\s+(\w+)\s*(?:<[^{;]*>)?\s*\{", text):
                body = _block(text, m.end() - 1)
                if m.group(1) == "struct":
                    record(m.group(2), _field_names(body))
                    continue
                for variant in _top_level_split(body):
                    v = re.match(r"\s*(\w+)\s*\{", variant)
                    if v:
                        inner = _block(variant, v.end() - 1)
                        record(f"{m.group(2)}.{snake_case(v.group(1))}", _field_names(inner))
    for key in ambiguous:
        del orders[key]
    return orders


# -- Documentation -------------------------------------------------------------------------


def _link_target(path: str) -> str:
    # [`crate::model::ManagementResponse`] -> ManagementResponse; [`Scope::systems`] ->
    # Scope.systems: module paths dropped, Rust's `::` written as Python's `.`.
    parts = path.split("::")
    while len(parts) > 1 and parts[0][:1].islower():
        parts.pop(0)
    return ".".join(parts)


def rst(text: str, where: str) -> List[str]:
    """A rustdoc description as reStructuredText paragraphs (each one line): Markdown
    code spans become literals, intra-doc links their target."""
    text = re.sub(r"\[`([^`\]]+)`\]", lambda m: f"``{_link_target(m.group(1))}``", text)
    text = re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", text)
    for pattern, what in [
        (r"\]\(", "a Markdown link"),
        (r"\[[^\]]*\]", "an intra-doc link without a code span"),
        (r"(^|\n)\s*([-*+]|\d+\.)\s", "a list"),
        (r"(^|\n)\s*(#|```|>)", "a heading, code block or quote"),
        (r"\*\*|__", "bold text"),
    ]:
        if re.search(pattern, text):
            raise fail(where, f"description has {what}, which the generator does not convert")
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def comment_lines(
    paragraphs: List[str], indent: str, width: int = 92, hanging: str = ""
) -> List[str]:
    """``#:`` comment lines (Sphinx's form for attribute documentation); ``hanging``
    starts each paragraph (a list item's bullet) and indents its other lines."""
    lines: List[str] = []
    for i, p in enumerate(paragraphs):
        if i and not hanging:
            lines.append(f"{indent}#:")
        wrapped = textwrap.wrap(
            p,
            width - len(indent) - 3,
            initial_indent=hanging,
            subsequent_indent=" " * len(hanging),
            break_on_hyphens=False,
        )
        lines += [f"{indent}#: {line}" for line in wrapped]
    return lines


def docstring(
    paragraphs: List[str], indent: str, items: Sequence[str] = (), width: int = 92
) -> List[str]:
    """A docstring of paragraphs and then a bulleted list (the fields, for ``help()``)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')

    body = width - len(indent)
    lines: List[str] = []
    for p in paragraphs:
        if lines:
            lines.append("")
        # The first line also holds the opening quotes.
        first = body - 3 if not lines else body
        wrapped = textwrap.wrap(escape(p), first, break_on_hyphens=False)
        rest = " ".join(wrapped[1:])
        lines += wrapped[:1] + textwrap.wrap(rest, body, break_on_hyphens=False)
    if items:
        lines.append("")
        for item in items:
            lines += textwrap.wrap(escape(item), body, initial_indent="- ",
                                   subsequent_indent="  ", break_on_hyphens=False)
    if len(lines) == 1 and len(lines[0]) + 6 <= body:
        return [f'{indent}"""{lines[0]}"""']
    out = [f'{indent}"""{lines[0]}']
    out += [f"{indent}{line}" if line else "" for line in lines[1:]]
    out.append(f'{indent}"""')
    return out


# -- The model, as Python -----------------------------------------------------------------


@dataclass
class Field:
    name: str
    annotation: str
    default: Optional[str]  # Python source of the default; None: required
    doc: List[str]


@dataclass
class ClassDef:
    name: str
    module: str
    doc: List[str]
    fields: List[Field]
    bases: List[str]
    lines: List[str] = field(default_factory=list)  # class attributes before the fields
    frozen: bool = False
    deps: List[str] = field(default_factory=list)


@dataclass
class AliasDef:
    name: str
    module: str
    doc: List[str]
    source: List[str]
    deps: List[str] = field(default_factory=list)
    values: List[Tuple[str, str]] = field(default_factory=list)  # (value, its meaning)


class Generator:
    def __init__(self) -> None:
        self.defs, self.origin = load_definitions()
        self.orders = rust_field_orders()
        self.items: Dict[str, Any] = {}  # by definition name (or Enum.tag for variants)
        self.python_names: Dict[str, str] = {}  # definition name -> Python expression
        self.custom: Set[str] = set()
        self.payload_tags: Dict[str, str] = {}  # struct definition -> the variant's tag
        self.empty_list_defaults_used: Set[Tuple[str, str]] = set()

    # A definition's Python type, generating what it needs first.
    def type_of(self, def_name: str, module: str, where: str) -> str:
        if def_name in BUILTIN_TYPES:
            return BUILTIN_TYPES[def_name]
        if def_name in HANDWRITTEN:
            self.custom.add(HANDWRITTEN[def_name])
            return HANDWRITTEN[def_name]
        if def_name not in self.defs:
            raise fail(where, f"refers to unknown definition {def_name!r}")
        if def_name not in self.python_names:
            self.define(def_name, module)
        return self.python_names[def_name]

    def define(self, def_name: str, module: str) -> None:
        node = self.defs[def_name]
        where = f"{self.origin[def_name]} $defs/{def_name}"
        self.python_names[def_name] = def_name  # set first: a cycle fails in `ordered`
        if node.get("type") == "object":
            self.define_class(def_name, def_name, node, module, where)
        elif node.get("type") == "string" and "enum" in node:
            _check_keys(node, {"type", "enum"}, where)
            self.add_alias(def_name, module, node, self.literal_union(node["enum"]), [])
        elif node.get("type") == "string":
            _check_keys(node, {"type"}, where)
            self.python_names[def_name] = "str"  # a checked string (ControlId, digests)
        elif "oneOf" in node:
            self.define_enum(def_name, node, module, where)
        else:
            raise fail(where, "neither an object, a string nor an enum")

    @staticmethod
    def literal_union(values: List[str]) -> List[str]:
        # Written as a Union of one-value Literals, the same type as Literal["a", "b"], so
        # that it is a Union at run time too (what type checkers and stubtest see).
        return ["Union["] + [f"    Literal[{json.dumps(v)}]," for v in values] + ["]"]

    def add_alias(
        self, name: str, module: str, node: Dict[str, Any], source: List[str], deps: List[str]
    ) -> None:
        where = f"{self.origin[name]} $defs/{name}"
        doc = rst(node.get("description", ""), where)
        if not doc:
            raise fail(where, "has no description (a doc comment on the Rust type)")
        self.items[name] = AliasDef(name, module, doc, source, deps)

    def define_enum(self, name: str, node: Dict[str, Any], module: str, where: str) -> None:
        _check_keys(node, {"oneOf"}, where)
        units: List[str] = []
        unit_docs: List[Tuple[str, str]] = []
        classes: List[str] = []
        keys: List[str] = []  # the classes' definitions, which the alias needs first
        for i, variant in enumerate(node["oneOf"]):
            vwhere = f"{where}/oneOf/{i}"
            if variant.get("type") == "string":
                _check_keys(variant, {"type", "const", "enum"}, vwhere)
                values = [variant["const"]] if "const" in variant else variant["enum"]
                units += values
                unit_docs += [(v, variant.get("description", "")) for v in values]
                continue
            if variant.get("type") != "object":
                raise fail(vwhere, "an enum variant that is neither a string nor an object")
            _check_keys(variant, {"type", "properties", "required", "additionalProperties"},
                        vwhere)
            ((tag, inner),) = variant["properties"].items()
            if "$ref" in inner:
                # A variant wrapping one struct (`Payload::AccessReview(AccessReview)`).
                base = WRAPPER_ENUMS.get(name)
                if base is None:
                    raise fail(vwhere, "a newtype variant, but the enum is not in WRAPPER_ENUMS")
                _check_keys(inner, {"$ref"}, vwhere)
                struct = ref_name(inner, vwhere)
                self.payload_tags[struct] = tag
                self.custom.add(base)
                classes.append(self.type_of(struct, module, vwhere))
                keys.append(struct)
            else:
                cls = VARIANT_CLASSES.get((name, tag))
                if cls is None:
                    raise fail(vwhere, f"variant {tag!r} has fields: name its class in "
                               "VARIANT_CLASSES")
                doc = variant.get("description", "")
                rust_path = f"{name}::{''.join(w.title() for w in tag.split('_'))}"
                paragraphs = rst(doc, vwhere)
                paragraphs[0] = paragraphs[0].rstrip(".") + f" (``{rust_path}``)."
                self.define_class(cls, f"{name}.{tag}", inner, module, vwhere, paragraphs,
                                  [f"_rust = {json.dumps(name)}", f"_tag = {json.dumps(tag)}",
                                   "_variant_only = True"])
                classes.append(cls)
                keys.append(f"{name}.{tag}")
        if classes and units:
            # One Literal for the unit variants, then the classes.
            literal = "Literal[" + ", ".join(json.dumps(u) for u in units) + "]"
            source = ["Union[", f"    {literal},"] + [f"    {c}," for c in classes] + ["]"]
        elif classes:
            source = ["Union["] + [f"    {c}," for c in classes] + ["]"]
        else:
            source = self.literal_union(units)
        self.add_alias(name, module, node, source, keys)
        # The values' meanings, where documented (shown in the source only: an alias has
        # no docstring).
        self.items[name].values = [(v, " ".join(rst(d, where))) for v, d in unit_docs if d]

    def define_class(
        self,
        name: str,
        order_key: str,
        node: Dict[str, Any],
        module: str,
        where: str,
        doc: Optional[List[str]] = None,
        lines: Optional[List[str]] = None,
    ) -> None:
        _check_keys(node, {"type", "properties", "required", "additionalProperties"}, where)
        if node.get("additionalProperties") is not False:
            raise fail(where, "objects must reject unknown fields (serde deny_unknown_fields)")
        properties: Dict[str, Any] = node.get("properties", {})
        required = set(node.get("required", []))
        order = self.orders.get(order_key)
        if order is None:
            raise fail(where, f"no Rust declaration of {order_key} found in soc2-core (needed "
                       "for the order of its fields)")
        if set(order) != set(properties):
            raise fail(where, f"the schema's properties {sorted(properties)} are not the fields "
                       f"of the Rust declaration {order}: regenerate the schemas "
                       f"({UPDATE_SCHEMAS})")
        if doc is None:
            doc = rst(node.get("description", ""), where)
        if not doc:
            raise fail(where, "has no description (a doc comment on the Rust type)")
        cls = ClassDef(name, module, doc, [], ["Model"], lines or [])
        cls.frozen = name in FROZEN
        self.items[order_key] = cls
        for prop in order:
            cls.fields.append(self.field(name, prop, properties[prop], prop in required,
                                         module, f"{where}/properties/{prop}", cls.deps))
        if name in MIXINS:
            # After Model: mixins add methods, they override none.
            self.custom.add(MIXINS[name])
            cls.bases.append(MIXINS[name])

    def field(self, cls: str, name: str, node: Dict[str, Any], required: bool, module: str,
              where: str, deps: List[str]) -> Field:
        doc = rst(node.get("description", ""), where)
        if not doc:
            raise fail(where, "has no description (a doc comment on the Rust field)")
        annotation, nullable, kind = self.annotation(node, module, where, deps)
        if required:
            if "default" in node:
                raise fail(where, "a required field with a default")
            if (cls, name) in EMPTY_LIST_DEFAULTS:
                if kind != "array":
                    raise fail(where, "in EMPTY_LIST_DEFAULTS but not a list")
                self.empty_list_defaults_used.add((cls, name))
                return Field(name, annotation, LIST_DEFAULT, doc)
            return Field(name, annotation, None, doc)
        schema_default = node.get("default")
        if nullable:
            if schema_default is not None:
                raise fail(where, "a nullable field whose default is not null")
            return Field(name, f"Optional[{annotation}]", "None", doc)
        if kind == "array":
            if schema_default not in (None, []):
                raise fail(where, "an array whose default is not empty")
            return Field(name, annotation, LIST_DEFAULT, doc)
        if kind == "ref" and isinstance(schema_default, dict):
            # A struct field whose serde default is the struct's Default: the class built
            # from its own defaults, when those are what the schema gives.
            target = self.items.get(deps[-1])
            if not isinstance(target, ClassDef) or self.defaults_json(target) != schema_default:
                raise fail(where, f"default {schema_default!r} is not what {annotation}() "
                           "holds")
            return Field(name, annotation, f"field(default_factory={annotation})", doc)
        if (cls, name) in DEFAULTS:
            value: Any = DEFAULTS[(cls, name)]
        elif "default" in node:
            value = schema_default
        elif kind in ("str", "int", "bool"):
            # serde's `default` is the type's Default (schemars omits a default that
            # `skip_serializing_if` skips).
            value = {"str": "", "int": 0, "bool": False}[kind]
        else:
            raise fail(where, "an optional field of a type without a known default: give it "
                       "in DEFAULTS")
        if not isinstance(value, (str, int, bool)):
            raise fail(where, f"unsupported default {value!r}")
        return Field(name, annotation, repr(value), doc)

    @staticmethod
    def defaults_json(cls: ClassDef) -> Optional[Dict[str, Any]]:
        """The JSON form of ``cls()``, or None when a field has no default."""
        out: Dict[str, Any] = {}
        for f in cls.fields:
            if f.default is None:
                return None
            if f.default != "None":  # None is left out of the JSON form
                out[f.name] = [] if f.default == LIST_DEFAULT else ast.literal_eval(f.default)
        return out

    def annotation(self, node: Dict[str, Any], module: str, where: str,
                   deps: List[str]) -> Tuple[str, bool, str]:
        """(Python type, whether null is allowed, kind: str/int/bool/array/ref)."""
        if "anyOf" in node:
            _check_keys(node, {"anyOf", "default"}, where)
            options = node["anyOf"]
            if len(options) != 2 or options[1] != {"type": "null"}:
                raise fail(where, "anyOf other than (a type, null)")
            inner, _, kind = self.annotation(options[0], module, where, deps)
            return inner, True, kind
        if "$ref" in node:
            _check_keys(node, {"$ref", "default"}, where)
            target = ref_name(node, where)
            python = self.type_of(target, module, where)
            deps.append(target)
            return python, False, "ref"
        types = node.get("type")
        nullable = False
        if isinstance(types, list):
            if len(types) != 2 or types[1] != "null":
                raise fail(where, f"type {types} other than (a type, null)")
            types, nullable = types[0], True
        if types == "array":
            _check_keys(node, {"type", "items", "default"}, where)
            item, item_null, _ = self.annotation(node["items"], module, where + "/items", deps)
            if item_null:
                raise fail(where, "an array of nullable items")
            return f"List[{item}]", nullable, "array"
        simple = {"string": "str", "integer": "int", "boolean": "bool"}
        if types in simple:
            _check_keys(node, {"type", "default"}, where)
            return simple[types], nullable, simple[types]
        raise fail(where, f"unsupported type {types!r}")

    # -- Output ----------------------------------------------------------------------------

    def run(self) -> str:
        for schema, def_name, module in ROOTS:
            name = def_name or json.loads((SCHEMAS / f"{schema}.schema.json").read_text())["title"]
            self.type_of(name, module, f"{schema}.schema.json")
        unused = EMPTY_LIST_DEFAULTS - self.empty_list_defaults_used
        if unused:
            raise fail("EMPTY_LIST_DEFAULTS", f"names no generated field: {sorted(unused)}")
        self.payload_kinds()
        return self.render()

    def payload_kinds(self) -> None:
        for struct, tag in self.payload_tags.items():
            cls = self.items[struct]
            cls.bases = [b if b != "Model" else WRAPPER_ENUMS["Payload"] for b in cls.bases]
            cls.lines.insert(0, f"kind = {json.dumps(tag)}")

    def ordered(self) -> List[Any]:
        """Definitions before their users, otherwise in the order they were reached."""
        done: Dict[str, bool] = {}
        out: List[Any] = []

        def visit(key: str, path: List[str]) -> None:
            if done.get(key):
                return
            if key in path:
                raise fail(key, f"refers to itself ({' -> '.join(path + [key])})")
            item = self.items.get(key)
            if item is None:
                return  # a built-in, hand-written or plain string type
            for dep in item.deps:
                visit(dep, path + [key])
            done[key] = True
            out.append(item)

        for key in list(self.items):
            visit(key, [])
        return out

    def render(self) -> str:
        lines = [
            f"# Generated by soc2-py/tools/gen_models.py from schemas/*.schema.json: do not edit.",
            f"# After a model change: `{UPDATE_SCHEMAS}`,",
            f"# then `{REGENERATE}`.",
            '"""The model classes and enumerations whose shape soc2-core\'s JSON Schemas give',
            "(``schemas/``), generated with their documentation. Import them from",
            ":mod:`soc2.models`, :mod:`soc2.catalog`, :mod:`soc2.report`, :mod:`soc2.audit`,",
            ":mod:`soc2.locker` and :mod:`soc2.bundle`; the hand-written behaviour is in",
            ':mod:`soc2._custom`."""',
            "",
            "import datetime as _dt",
            "from dataclasses import field",
            "from typing import List, Literal, Optional, Union",
            "",
            "from ._custom import " + ", ".join(sorted(self.custom | set(CUSTOM_HOMES))),
            "from ._model import Model, model",
        ]
        for item in self.ordered():
            lines += ["", ""]
            if isinstance(item, AliasDef):
                lines += comment_lines(item.doc, "")
                if item.values:
                    lines += ["#:", "#: Values:", "#:"]
                    for value, meaning in item.values:
                        lines += comment_lines([f"``{json.dumps(value)}``: {meaning}"], "",
                                               hanging="- ")
                lines.append(f"{item.name} = " + item.source[0])
                lines += item.source[1:]
            else:
                lines += self.render_class(item)
        homes = [(c.name, c.module) for c in self.ordered() if isinstance(c, ClassDef)]
        homes += sorted(CUSTOM_HOMES.items())
        lines += [
            "",
            "",
            "# Each class's public module (the one users import it from), set only now that every",
            "# class is made: `@model` reads the fields' types with `typing.get_type_hints`, which",
            "# on Python 3.9 looks each class of the MRO up in `sys.modules` by its `__module__`,",
            "# and the public modules are still being imported while this one runs.",
            "for _cls, _module in (",
            *[f"    ({name}, {json.dumps(module)})," for name, module in homes],
            "):",
            "    _cls.__module__ = _module",
            "del _cls, _module",
        ]
        return "\n".join(lines) + "\n"

    def render_class(self, cls: ClassDef) -> List[str]:
        out = ["@model(frozen=True)" if cls.frozen else "@model"]
        out.append(f"class {cls.name}({', '.join(cls.bases)}):")
        # The fields' documentation is also in the docstring, for help().
        fields = [f"``{f.name}``: {' '.join(f.doc)}" for f in cls.fields]
        out += docstring(cls.doc + ["Fields:"], "    ", fields)
        out.append("")
        out += [f"    {line}" for line in cls.lines]
        out.append("")
        for f in cls.fields:
            out += comment_lines(f.doc, "    ")
            default = "" if f.default is None else f" = {f.default}"
            out.append(f"    {f.name}: {f.annotation}{default}")
        return out


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed module differs from what would be generated")
    args = parser.parse_args(argv)
    try:
        text = Generator().run()
    except SchemaError as e:
        print(f"gen_models: {e}", file=sys.stderr)
        return 2
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    if args.check:
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is stale: run `{REGENERATE}` and commit it",
                  file=sys.stderr)
            return 1
        return 0
    if current != text:
        OUTPUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
