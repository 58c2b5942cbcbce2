"""A sample company's evidence, for trying soc2 out and for tests (``soc2_core::demo``).

Acme Cloud has about fifty people, three in-scope systems and a year of evidence of every
kind, generated deterministically, with exactly five deliberate gaps that evaluating the
year against its catalog (:func:`sample_company_catalog`: the built-in one with its
systems, repositories and critical vendors declared) finds: a missed quarterly access
review of ``okta``, a pull request approved only by its author, a person without security
training, a laptop without disk encryption and a critical vendor not reviewed during the
year.
"""

from __future__ import annotations

import json
from typing import List

from . import _soc2
from .catalog import Catalog
from .models import Evidence

__all__ = ["sample_company", "sample_company_catalog"]


def sample_company(year: int) -> List[Evidence]:
    """The sample company's evidence for ``year``, oldest first (the same year always
    gives the same evidence)."""
    return [Evidence._load(e) for e in json.loads(_soc2.sample_company(year))]


def sample_company_catalog() -> Catalog:
    """The sample company's catalog: the built-in one with its in-scope systems,
    repositories and critical vendors declared."""
    return Catalog.builtin().extend_toml(
        _soc2.sample_company_catalog_toml(), source_name="sample company catalog"
    )
