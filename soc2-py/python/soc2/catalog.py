"""The control catalog: which controls are evaluated, what each one tests, and the
company's scope and thresholds (``soc2_core::catalog``).

The built-in catalog (:meth:`Catalog.builtin`) covers the ten areas where SOC 2 audits most
often find exceptions. A company adapts it with its own file, TOML or JSON shaped as
``schemas/catalog.schema.json``, or the same content as a dict::

    catalog = soc2.Catalog.builtin().extend("company.toml")
    catalog = catalog.extend({"scope": {"systems": ["aws-prod", "github", "okta"]}})
    catalog = catalog.override_thresholds(max_screen_lock_minutes=10)

Catalogs are immutable: every method returns a new one. soc2-core parses the files and
applies every rule; the classes here only read the result.

:class:`Thresholds`, :class:`Scope`, :class:`CatalogControl`, :class:`SystemOwner`,
:data:`Frequency` and :data:`ControlTest` are generated from
``schemas/resolved-catalog.schema.json`` and ``schemas/catalog.schema.json`` (into
``soc2/_generated.py``, see ``docs/python-models.md``). :class:`Catalog` is written here:
it is a view of soc2-core's catalog, whose methods call soc2-core, not a class built from
fields.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

from . import _soc2
from ._generated import CatalogControl, ControlTest, Frequency, Scope, SystemOwner, Thresholds

__all__ = [
    "Catalog",
    "CatalogControl",
    "ControlTest",
    "Frequency",
    "Scope",
    "StrPath",
    "SystemOwner",
    "Thresholds",
]

#: A file system path, as ``str`` or ``os.PathLike``.
StrPath = Union[str, "os.PathLike[str]"]


class Catalog:
    """A resolved control catalog: the built-in catalog with a company's changes applied.

    Build one with :meth:`builtin` or :meth:`load`; :meth:`extend`,
    :meth:`override_thresholds` and :meth:`retain` return changed copies.
    """

    __slots__ = ("_native", "_data")

    def __init__(self, native: _soc2.Catalog) -> None:
        """Wraps a native catalog; use :meth:`builtin` or :meth:`load` instead."""
        self._native = native
        self._data: Optional[Dict[str, Any]] = None

    @classmethod
    def builtin(cls) -> Catalog:
        """The built-in catalog."""
        return cls(_soc2.Catalog.builtin())

    @classmethod
    def load(cls, path: StrPath) -> Catalog:
        """A complete catalog (every threshold set, like the built-in one) from a ``.toml``
        or ``.json`` file."""
        return cls(_soc2.Catalog.load(os.fspath(path)))

    def extend(
        self, file: Union[StrPath, Mapping[str, Any]], *, source_name: Optional[str] = None
    ) -> Catalog:
        """This catalog with a company file applied: a path to a ``.toml`` or ``.json``
        file, or the file's content as a dict. Scope and thresholds it sets replace the
        catalog's, ``disable`` drops controls, and each of its ``controls`` replaces the
        control with the same id or is added at the end.

        Raises :class:`~soc2.ValidationError` naming the file, field and control at fault.
        """
        if isinstance(file, Mapping):
            text = json.dumps(file)
            return Catalog(self._native.extend_json(text, source_name or "<dict>"))
        return Catalog(self._native.extend_path(os.fspath(file)))

    def extend_toml(self, text: str, *, source_name: str = "<toml>") -> Catalog:
        """This catalog with a company file given as TOML text applied."""
        return Catalog(self._native.extend_toml(text, source_name))

    def override_thresholds(self, **thresholds: Union[int, str]) -> Catalog:
        """This catalog with catalog-wide thresholds changed (e.g.
        ``max_screen_lock_minutes=10``), for every control that does not set its own."""
        return Catalog(self._native.override_thresholds(json.dumps(thresholds)))

    def retain(self, keep: Callable[[CatalogControl], bool]) -> Catalog:
        """Only the controls for which ``keep`` returns true."""
        return Catalog(self._native.retain_ids([c.control.id for c in self.controls if keep(c)]))

    def get(self, id: str) -> Optional[CatalogControl]:
        """The control with this id, or None."""
        for c in self.controls:
            if c.control.id == id:
                return c
        return None

    def _json(self) -> Dict[str, Any]:
        if self._data is None:
            self._data = json.loads(self._native.to_json())
        return self._data

    @property
    def controls(self) -> List[CatalogControl]:
        """The controls, in catalog order (built-in order, then added controls)."""
        return [CatalogControl._load(c) for c in self._json()["controls"]]

    @property
    def scope(self) -> Scope:
        """What is in scope."""
        return Scope._load(self._json()["scope"])

    @property
    def thresholds(self) -> Thresholds:
        """Catalog-wide thresholds (each control holds its own effective copy)."""
        return Thresholds._load(self._json()["thresholds"])

    def to_json(self) -> str:
        """The resolved catalog as canonical JSON (``scope``, ``thresholds``, ``controls``)."""
        return self._native.to_json()

    def to_dict(self) -> Dict[str, Any]:
        """The resolved catalog as plain dicts."""
        result: Dict[str, Any] = json.loads(self._native.to_json())
        return result

    def __len__(self) -> int:
        return len(self._native)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Catalog):
            return NotImplemented
        return self._native.to_json() == other._native.to_json()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        ids = ", ".join(c["control"]["id"] for c in self._json()["controls"])
        return f"<Catalog of {len(self)} controls: {ids}>"
