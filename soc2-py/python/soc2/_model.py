"""Machinery shared by the model classes.

A model class declares its fields as annotations, like a dataclass; :func:`model` turns
the annotations into a keyword-only constructor, attribute conversion, ``repr`` and
equality, and into converters to and from the model's JSON form. The converters only
change representation (``datetime`` to ``2026-03-28T14:05:00Z``, nested objects to
dicts): every rule of the model is checked by soc2-core when an object is made (the
constructor raises :class:`ValidationError` with soc2-core's message), and again when
a value is serialised (:meth:`Model.to_json`, :meth:`Model.to_dict`, the locker, after
attributes were assigned) or parsed.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import sys
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    ClassVar,
    Dict,
    List,
    Literal,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    get_type_hints,
    overload,
)

from . import _soc2
from .errors import ValidationError

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
elif TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda f: f


_UTC = _dt.timezone.utc
_T = TypeVar("_T", bound="Model")

# A converter takes a value and the field's path (for error messages) and returns the
# value to store; a loader turns the JSON form (checked by soc2-core) into that value. The
# other way, from objects to soc2-core, the native module reads the objects themselves.
_Check = Callable[[Any, str], Any]
_Load = Callable[[Any], Any]


def to_utc(value: Any, path: str = "value") -> _dt.datetime:
    """Converts an aware ``datetime`` to UTC with whole seconds, as soc2's ``Timestamp``
    holds it; naive datetimes are rejected (:class:`ValidationError`)."""
    if type(value) is _dt.datetime and value.tzinfo is _UTC and not value.microsecond:
        return value  # already what soc2 holds
    if not isinstance(value, _dt.datetime):
        raise ValidationError(
            f"{path}: expected a datetime.datetime, got {type(value).__name__}",
            path=path,
            reason="expected a datetime.datetime",
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            f"{path}: naive datetime {value.isoformat()} has no time zone; give an aware "
            "datetime (e.g. tzinfo=datetime.timezone.utc): soc2 records instants in UTC",
            path=path,
            reason="naive datetime",
        )
    try:
        return value.astimezone(_UTC).replace(microsecond=0)
    except OverflowError as e:
        raise ValidationError(f"{path}: {e}", path=path, reason=str(e)) from None


def _check_date(value: Any, path: str) -> _dt.date:
    if not isinstance(value, _dt.date) or isinstance(value, _dt.datetime):
        raise ValidationError(
            f"{path}: expected a datetime.date, got {type(value).__name__}",
            path=path,
            reason="expected a datetime.date",
        )
    return value


def dump_datetime(value: _dt.datetime) -> str:
    """The JSON form of a datetime held by a model (UTC, whole seconds, as :func:`to_utc`
    makes it): ``2026-03-28T14:05:00Z``."""
    # isoformat() ends in "+00:00" for UTC; the fastest of the spellings measured.
    return value.isoformat()[:-6] + "Z"


def load_datetime(text: str) -> _dt.datetime:
    """Reads the JSON form of a timestamp (already checked by soc2-core)."""
    # An explicit "+00:00" gives an aware datetime directly (replace() costs ten times more).
    return _dt.datetime.fromisoformat(text[:-1] + "+00:00")


def dump_date(value: _dt.date) -> str:
    """The JSON form of a date: ``YYYY-MM-DD``."""
    return value.isoformat()


def load_date(text: str) -> _dt.date:
    """Reads the JSON form of a date (already checked by soc2-core)."""
    return _dt.date.fromisoformat(text)


class _Field:
    """One field of a model class and its converters."""

    __slots__ = ("name", "required", "default", "factory", "optional", "check", "load")

    def __init__(self, name: str) -> None:
        self.name = name
        self.required = True
        self.default: Any = None
        self.factory: Optional[Callable[[], Any]] = None
        self.optional = False
        self.check: Optional[_Check] = None
        self.load: Optional[_Load] = None

    def default_value(self) -> Any:
        return self.factory() if self.factory is not None else self.default


def _converters(hint: Any) -> Tuple[Optional[_Check], Optional[_Load]]:
    """Converters for a (non-optional) type hint; ``None`` where no conversion is needed."""
    if hint is _dt.datetime:
        return to_utc, load_datetime
    if hint is _dt.date:
        return _check_date, load_date
    if isinstance(hint, type) and issubclass(hint, Model):
        return _model_converters(hint)
    origin = get_origin(hint)
    if origin in (list, List):
        (item,) = get_args(hint)
        return _list_converters(*_converters(item))
    if origin is Union:
        if all(get_origin(arg) is Literal for arg in get_args(hint)):
            # An enumeration: stored as its string; soc2-core checks the value.
            return None, None
        return _union_converters(hint)
    # str, int, bool and Literal enumerations are stored as they are; soc2-core checks them.
    return None, None


def _model_converters(cls: Type[Model]) -> Tuple[_Check, _Load]:
    def check(value: Any, path: str) -> Any:
        if not isinstance(value, cls):
            raise ValidationError(
                f"{path}: expected {cls.__name__}, got {type(value).__name__}",
                path=path,
                reason=f"expected {cls.__name__}",
            )
        return value

    return check, cls._load


def _list_converters(
    check: Optional[_Check], load: Optional[_Load]
) -> Tuple[Optional[_Check], Optional[_Load]]:
    list_check: Optional[_Check] = None
    if check is not None:
        item_check = check

        def list_check(value: Any, path: str) -> Any:
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                raise ValidationError(
                    f"{path}: expected a list, got {type(value).__name__}",
                    path=path,
                    reason="expected a list",
                )
            return [item_check(v, f"{path}[{i}]") for i, v in enumerate(value)]

    list_load: Optional[_Load] = None
    if load is not None:
        item_load = load
        list_load = lambda value: [item_load(v) for v in value]  # noqa: E731
    return list_check, list_load


def _union_converters(hint: Any) -> Tuple[_Check, _Load]:
    """An externally tagged enum: model classes with a ``_tag``, and unit variants given
    as strings (``Literal[...]``)."""
    classes: Dict[str, Type[Model]] = {}
    names: List[str] = []
    for arg in get_args(hint):
        if isinstance(arg, type) and issubclass(arg, Model) and arg._tag:
            classes[arg._tag] = arg
        elif get_origin(arg) is Literal:
            names.extend(get_args(arg))
        else:
            raise TypeError(f"unsupported type in a model union: {arg!r}")
    variants = tuple(classes.values())
    expected = " or ".join([c.__name__ for c in variants] + [repr(n) for n in names])

    def check(value: Any, path: str) -> Any:
        if isinstance(value, variants) or (names and isinstance(value, str)):
            return value
        raise ValidationError(
            f"{path}: expected {expected}, got {type(value).__name__}",
            path=path,
            reason=f"expected {expected}",
        )

    def load(value: Any) -> Any:
        if isinstance(value, str):
            return value
        ((tag, inner),) = value.items()
        return classes[tag]._load(inner)

    return check, load


def _build_fields(cls: type) -> Tuple[_Field, ...]:
    hints = get_type_hints(cls)
    fields = []
    for name, hint in hints.items():
        if name.startswith("_") or get_origin(hint) is ClassVar or hint is ClassVar:
            continue
        f = _Field(name)
        origin_args = get_args(hint) if get_origin(hint) is Union else ()
        if type(None) in origin_args:
            f.optional = True
            rest = [a for a in origin_args if a is not type(None)]
            hint = rest[0] if len(rest) == 1 else Union[tuple(rest)]
        f.check, f.load = _converters(hint)
        default = cls.__dict__.get(name, dataclasses.MISSING)
        if isinstance(default, dataclasses.Field):
            if default.default_factory is not dataclasses.MISSING:
                f.factory = default.default_factory
            else:
                f.default = default.default
            f.required = False
        elif default is not dataclasses.MISSING:
            f.default = default
            f.required = False
        if not f.required and name in cls.__dict__:
            delattr(cls, name)
        fields.append(f)
    return tuple(fields)


@overload
def model(cls: Type[_T]) -> Type[_T]: ...


@overload
def model(cls: None = None, *, frozen: bool = False) -> Callable[[Type[_T]], Type[_T]]: ...


@dataclass_transform(kw_only_default=True, field_specifiers=(dataclasses.field,))
def model(
    cls: Optional[Type[_T]] = None, *, frozen: bool = False
) -> Union[Type[_T], Callable[[Type[_T]], Type[_T]]]:
    """Class decorator: builds the keyword-only constructor and the converters of a model
    class from its annotations (see the module's documentation). ``frozen=True`` makes
    instances immutable and hashable, for small values such as a quarter."""
    if cls is None:
        return lambda c: _make_model(c, frozen)
    return _make_model(cls, frozen)


# The default of a parameter whose value is made fresh for each instance (a new empty
# list): `...`, which is also how stubs spell "has a default".
_FACTORY: Any = ...


def _make_model(cls: Type[_T], frozen: bool) -> Type[_T]:
    fields = _build_fields(cls)
    cls._fields = fields
    cls._by_name = {f.name: f for f in fields}
    cls._frozen = frozen
    # Mutable models are unhashable, like dataclasses; frozen ones hash their values.
    setattr(cls, "__hash__", Model._frozen_hash if frozen else None)
    for name, function in _generate(cls, fields).items():
        setattr(cls, name, function)
    return cls


def _generate(cls: type, fields: Tuple[_Field, ...]) -> Dict[str, Any]:
    """Writes ``__init__`` and ``_load`` of a model class as straight-line code
    (like ``dataclasses``): the batch paths build and convert many objects, and a generic
    loop over the fields costs several times more."""
    ns: Dict[str, Any] = {"_FACTORY": _FACTORY, "_new": object.__new__}
    params, init, load = [], [], []
    for i, f in enumerate(fields):
        n = f.name
        path = repr(f"{cls.__name__}.{n}")
        check = load_fn = None
        if f.check is not None:
            check = ns[f"_check{i}"] = f.check
        if f.load is not None:
            load_fn = ns[f"_load{i}"] = f.load
        if f.factory is not None:
            ns[f"_factory{i}"] = f.factory

        # __init__
        if f.required:
            params.append(n)
        elif f.factory is not None:
            params.append(f"{n}=_FACTORY")
        else:
            ns[f"_default{i}"] = f.default
            params.append(f"{n}=_default{i}")
        value = n if check is None else f"_check{i}({n}, {path})"
        if check is not None and f.optional:
            value = f"None if {n} is None else {value}"
        if f.factory is not None:
            value = f"_factory{i}() if {n} is _FACTORY else {value}"
        init.append(f"    d[{n!r}] = {value}")

        # _load: the JSON form omits optional values and empty lists.
        converted = "v" if load_fn is None else f"_load{i}(v)"
        if f.required:
            load.append(f"    v = data[{n!r}]; d[{n!r}] = {converted}")
        else:
            fallback = f"_factory{i}()" if f.factory is not None else f"_default{i}"
            load.append(f"    v = data.get({n!r})")
            load.append(f"    d[{n!r}] = {fallback} if v is None else {converted}")

    # Every rule of the model is checked when an object is made, by soc2-core, with the
    # messages a locker would give (a class soc2-core has no type for is checked as part
    # of the object that holds it).
    rust = cast("Type[Model]", cls)._rust_type()
    if _soc2.is_model_type(rust):
        ns["_validate"] = lambda obj: _soc2.validate(rust, obj)
        validate = ["    _validate(self)"]
    else:
        validate = []
    source = "\n".join(
        [
            f"def __init__(self, *, {', '.join(params)}):" if params else "def __init__(self):",
            "    d = self.__dict__",
            *init,
            *validate,
            "def _load(cls, data):",
            "    obj = _new(cls)",
            "    d = obj.__dict__",
            *load,
            "    return obj",
        ]
    )
    exec(compile(source, f"<soc2 model {cls.__name__}>", "exec"), ns)
    init_fn = ns["__init__"]
    init_fn.__qualname__ = f"{cls.__qualname__}.__init__"
    article = "an" if cls.__name__[:1] in "AEIOU" else "a"
    init_fn.__doc__ = f"Builds {article} {cls.__name__} from keyword arguments."
    init_fn.__annotations__ = {f.name: get_type_hints(cls)[f.name] for f in fields}
    ns["_load"].__qualname__ = f"{cls.__qualname__}._load"
    return {"__init__": init_fn, "_load": classmethod(ns["_load"])}


class Model:
    """Base class of the model classes: keyword construction, conversion to and from JSON
    (checked and canonicalised by soc2-core), a readable ``repr`` and equality."""

    # Filled in by @model.
    _fields: ClassVar[Tuple[_Field, ...]] = ()
    _by_name: ClassVar[Dict[str, _Field]] = {}
    # The Rust type soc2-core parses this class as, when it is not the class's name.
    _rust: ClassVar[str] = ""
    # The variant name, for classes that are one variant of a Rust enum.
    _tag: ClassVar[str] = ""
    # Whether the class is a whole Rust enum variant (its JSON form is `{tag: fields}`) or
    # a struct that an enum variant wraps (its JSON form is just its fields). The native
    # module reads these three attributes, and the fields from the instance's __dict__.
    _variant_only: ClassVar[bool] = False

    # Whether instances are immutable (and hashable).
    _frozen: ClassVar[bool] = False

    def _frozen_hash(self) -> int:
        return hash((type(self), tuple(self.__dict__[f.name] for f in self._fields)))

    if not TYPE_CHECKING:  # hidden from type checkers, which then flag unknown attributes

        def __setattr__(self, name: str, value: Any) -> None:
            if self._frozen:
                raise AttributeError(f"{type(self).__name__} is immutable")
            f = self._by_name.get(name)
            if f is None:
                raise AttributeError(f"{type(self).__name__} has no field {name!r}")
            if f.check is not None and (value is not None or not f.optional):
                value = f.check(value, f"{type(self).__name__}.{name}")
            self.__dict__[name] = value

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __repr__(self) -> str:
        parts = []
        for f in self._fields:
            value = self.__dict__[f.name]
            if not f.required and value == f.default_value():
                continue
            parts.append(f"{f.name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # -- JSON form ------------------------------------------------------------------------

    @classmethod
    def _load(cls: Type[_T], data: Dict[str, Any]) -> _T:
        """Builds an instance from its (checked) JSON form."""
        obj = cls.__new__(cls)
        d = obj.__dict__
        for f in cls._fields:
            if f.name in data:
                value = data[f.name]
                d[f.name] = value if f.load is None or value is None else f.load(value)
            else:
                d[f.name] = f.default_value()
        return obj

    @classmethod
    def _rust_type(cls) -> str:
        return cls._rust or cls.__name__

    def to_json(self, *, pretty: bool = False) -> str:
        """The JSON document, checked by soc2-core: RFC 8785 canonical form (the hashed
        form), or sorted and indented with a final newline when ``pretty``.

        Raises :class:`~soc2.ValidationError` naming the field when the value breaks a
        rule of the model.
        """
        return _soc2.to_json(self._rust_type(), self, pretty)

    def to_dict(self) -> Dict[str, Any]:
        """The JSON form as plain dicts, lists and strings (checked like :meth:`to_json`)."""
        result: Dict[str, Any] = json.loads(self.to_json())
        return result

    def canonical_sha256(self) -> str:
        """SHA-256 (hex) of the canonical JSON form: what ``soc2 validate`` prints."""
        return _soc2.canonical_sha256(self._rust_type(), self)

    @classmethod
    def from_json(cls: Type[_T], text: Union[str, bytes]) -> _T:
        """Parses a JSON document with every rule of the model (unknown fields, duplicate
        keys, floats, non-NFC strings and other timestamp forms are rejected).

        Raises :class:`~soc2.ValidationError` with the line, column and field path.
        """
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as e:
                raise ValidationError(f"not UTF-8: {e}", path=".", reason="not UTF-8") from None
        canonical = _soc2.canonical_json(cls._rust_type(), text, False)
        return cls._from_document(json.loads(canonical))

    @classmethod
    def from_dict(cls: Type[_T], data: Dict[str, Any]) -> _T:
        """Builds an instance from its JSON form as dicts (the inverse of :meth:`to_dict`),
        with the same checks as :meth:`from_json`."""
        try:
            text = json.dumps(data)
        except (TypeError, ValueError) as e:
            raise ValidationError(f"{cls.__name__}: {e}", path=".", reason=str(e)) from None
        return cls.from_json(text)

    @classmethod
    def _from_document(cls: Type[_T], data: Any) -> _T:
        if cls._variant_only:
            ((tag, body),) = data.items()
            if tag != cls._tag:
                raise ValidationError(
                    f"expected a {cls._tag!r} {cls._rust_type()}, got {tag!r}",
                    path=tag,
                    reason=f"expected {cls._tag!r}",
                )
            data = body
        return cls._load(data)
