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

:class:`SystemOwner`, :data:`Frequency` and :data:`ControlTest` are generated from
``schemas/catalog.schema.json`` (see :mod:`soc2.models`); :class:`Thresholds`,
:class:`Scope` and :class:`CatalogControl`, the resolved catalog's types, which no schema
describes, are written here.
"""

from __future__ import annotations

import json
from dataclasses import field
import os
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

from . import _soc2
from ._generated import ControlTest, Frequency, SystemOwner
from ._model import Model, model
from .models import Control, Detection, VendorCriticality

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

@model(frozen=True)
class Thresholds(Model):
    """Numbers the tests use. Every one has a value in the built-in catalog; a company file
    or a single control may override any of them."""

    #: Most minutes of inactivity before a device must lock its screen.
    max_screen_lock_minutes: int
    #: Days after a person's first day by which they must finish security training.
    training_days_after_hire: int
    #: Days after a person's first day by which their background check must be complete
    #: (0: on or before the first day).
    background_check_days_after_start: int
    #: Days after a person's last day by which their accounts must be gone or suspended.
    leaver_access_removal_days: int
    #: Greatest age, in days at the time of the vendor review, of a vendor's security report.
    max_vendor_report_age_days: int
    #: Greatest age, in days, of a policy's latest approval.
    max_policy_age_days: int
    #: Greatest age, in days, of the risk register's latest review.
    max_risk_review_age_days: int
    #: Days before a quarter or year begins in which an occurrence may still count for it.
    review_grace_days_before: int
    #: Days after a quarter or year ends in which an occurrence may still count for it.
    review_grace_days_after: int
    #: The lowest criticality at which an assessment rates a vendor critical (an undeclared
    #: vendor so rated is reported as a warning).
    critical_vendor_criticality: VendorCriticality
    #: Fewest days of log retention central logging must keep.
    min_log_retention_days: int
    #: Most days between a record's ``observed_at`` and its recording; later ones are late.
    max_recording_delay_days: int
    #: The tolerable deviation rate, in percent of a control's population.
    tolerable_deviation_percent: int
    #: Most days since an active access key was created or last rotated.
    max_access_key_age_days: int
    #: Most days an active access key may go unused (a key never used counts from its creation).
    max_access_key_unused_days: int
    #: Days after a person's first day by which they must acknowledge the policies to
    #: acknowledge (an acknowledgement before the first day counts).
    acknowledgement_days_after_hire: int
    #: Greatest age, in days, of a person's latest acknowledgement of a policy.
    max_acknowledgement_age_days: int
    #: The largest stretch, in days, that a system's imported security events may leave
    #: uncovered (between imports, or at a quarter's start or end); closer ranges join.
    max_event_coverage_gap_days: int
    #: Days after a high-risk security event by which a triage must have looked at it.
    triage_days: int


@model
class Scope(Model):
    """What is in scope for the audit."""

    #: In-scope systems (as named in user lists, access reviews and logging evidence),
    #: compared case-insensitively; only declared systems are tested.
    systems: List[str]
    #: In-scope repositories (``owner/name``), declared like ``systems``.
    repositories: List[str]
    #: Critical vendors, declared like ``systems``.
    critical_vendors: List[str] = field(default_factory=list)
    #: People who need no managed device.
    device_exempt: List[str] = field(default_factory=list)
    #: Courses accepted as security-awareness training (empty: any).
    training_courses: List[str] = field(default_factory=list)
    #: People in scope regardless of the roster's ``in_scope`` flag.
    people_include: List[str]
    #: People out of scope regardless of the roster's ``in_scope`` flag.
    people_exclude: List[str]
    #: Policies (by name) that must exist and be approved.
    required_policies: List[str]
    #: Policies (by name) every in-scope person acknowledges at hire and every year.
    acknowledged_policies: List[str] = field(default_factory=list)
    #: The declared owner of each system, who must perform its access reviews.
    system_owners: List[SystemOwner] = field(default_factory=list)
    #: The detections whose every event must be triaged (LOG-04); empty: the high-risk ones.
    triage_detections: List[Detection] = field(default_factory=list)


@model
class CatalogControl(Model):
    """One control of a resolved catalog: the control, the test that evaluates it and the
    thresholds in force for it."""

    #: The control, as auditors see it.
    control: Control
    #: How it is evaluated.
    test: ControlTest
    #: The thresholds in force for this control.
    thresholds: Thresholds
    #: How often the control operates, for sampling; ``None``: derived from its cadence.
    frequency: Optional[Frequency] = None


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
