"""The bundle's stand-alone checker (`soc2-core/src/bundle/verify.py`) against the
published transparency-dev RFC 6962 / RFC 9162 Merkle vectors: every inclusion proof and
every consistency proof in them, generated and verified, and corrupted proofs refused.
Expected values come from the vector file, never from the code under test.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "soc2-core" / "testdata" / "merkle"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "verify_py", ROOT / "soc2-core" / "src" / "bundle" / "verify.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


v = load()


def table(name: str) -> list[dict[str, Any]]:
    """Every case of one table, one file each, in source order (see testdata/merkle/README.md)."""
    cases = [json.loads(p.read_text()) for p in sorted((VECTORS / name).glob("*.json"))]
    assert cases, f"no vectors in {VECTORS / name}"
    return cases


data: dict[str, Any] = json.loads((VECTORS / "constants.json").read_text())
data["inclusion_proofs"] = table("inclusion_proofs")
data["consistency_proofs"] = table("consistency_proofs")
data["consistency_node_ids"] = table("consistency_node_ids")
leaves = [v.leaf_hash(bytes.fromhex(x)) for x in data["leaf_inputs"]]
roots = [bytes.fromhex(x) for x in data["root_hashes"]]


def h(xs: list[str]) -> list[bytes]:
    return [bytes.fromhex(x) for x in xs]


def test_roots() -> None:
    for size, want in enumerate(roots):
        assert v.root(leaves[:size]) == want, size
        if size:
            assert v.tree_levels(leaves[:size])[-1][0] == want, size


@pytest.mark.parametrize("case", data["inclusion_proofs"], ids=lambda c: f"{c['leaf']}-{c['size']}")
def test_inclusion_vectors(case: dict[str, Any]) -> None:
    index, size, proof = case["leaf"] - 1, case["size"], h(case["proof"])
    assert v.inclusion_path(v.tree_levels(leaves[:size]), index) == proof
    v.verify_inclusion(leaves[index], index, size, proof, roots[size])
    with pytest.raises(v.VerifyError):
        v.verify_inclusion(leaves[index], index, size, proof, bytes.fromhex(data["some_hash"]))
    if proof:
        with pytest.raises(v.VerifyError):
            v.verify_inclusion(leaves[index], index, size, proof[:-1], roots[size])
        with pytest.raises(v.VerifyError):
            v.verify_inclusion(leaves[index], index, size, proof + proof[:1], roots[size])


def consistency_cases() -> list[tuple[int, int, list[bytes]]]:
    out = [(c["size1"], c["size2"], h(c["proof"])) for c in data["consistency_proofs"]]
    nodes = data["node_hashes"]
    for c in data["consistency_node_ids"]:
        out.append((c["size1"], c["size2"], [bytes.fromhex(nodes[lv][i]) for lv, i in c["nodes"]]))
    return out


@pytest.mark.parametrize("m,n,proof", consistency_cases(), ids=lambda x: str(x)[:12])
def test_consistency_vectors(m: int, n: int, proof: list[bytes]) -> None:
    assert v.consistency_path(leaves[:n], m) == proof
    v.verify_consistency(m, n, roots[m], roots[n], proof)
    if not proof:
        return
    some = bytes.fromhex(data["some_hash"])
    bad = [
        (m, n, some, roots[n], proof),
        (m, n, roots[m], some, proof),
        (m, n, roots[m], roots[n], proof[:-1]),
        (m, n, roots[m], roots[n], proof + [some]),
        (m, n, roots[m], roots[n], [some] + proof[1:]),
    ]
    for args in bad:
        with pytest.raises(v.VerifyError):
            v.verify_consistency(*args)
