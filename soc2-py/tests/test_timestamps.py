"""RFC 3161 timestamps from Python against a real TSA: OpenSSL's ``openssl ts -reply``
with a throw-away CA made here, answering queries by hand (air-gapped) and over HTTP
(a small responder on 127.0.0.1); the evaluation then rests on the tokens' times and
bundles carry the tokens, checked against the TSA's CA."""

from __future__ import annotations

import datetime as _dt
import http.server
import os
import shutil
import subprocess
import threading
from datetime import date
from pathlib import Path
from typing import Any, Iterator, Tuple

import pytest

import soc2

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl missing")

PERIOD = soc2.AuditPeriod.parse("2025-01-01..2025-12-31")


def openssl(cwd: Path, *args: str) -> None:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"openssl {args}: {done.stderr}"


def make_tsa(d: Path, name: str) -> Path:
    """A CA ``<name>-ca.crt`` and under it a TSA configured for ``openssl ts -reply``
    in ``<name>-tsa.cnf``; returns the CA certificate's path."""
    ca, tsa = f"{name}-ca", f"{name}-tsa"
    openssl(
        d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{ca}.key",
        "-out", f"{ca}.crt", "-days", "3650", "-subj", f"/CN={name} TSA CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    openssl(
        d, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", f"{tsa}.key", "-out", f"{tsa}.csr", "-subj", f"/CN={name} TSA",
    )  # fmt: skip
    (d / f"{tsa}.ext").write_text(
        "extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n"
    )
    openssl(
        d, "x509", "-req", "-in", f"{tsa}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key",
        "-CAcreateserial", "-out", f"{tsa}.crt", "-days", "3650", "-extfile", f"{tsa}.ext",
    )  # fmt: skip
    (d / f"{tsa}.serial").write_text("01\n")
    (d / f"{tsa}.cnf").write_text(
        f"[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\nserial = ./{tsa}.serial\n"
        f"crypto_device = builtin\nsigner_cert = ./{tsa}.crt\nsigner_key = ./{tsa}.key\n"
        "signer_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\n"
        "accuracy = secs:1\nordering = no\ntsa_name = yes\ness_cert_id_chain = no\n"
        "ess_cert_id_alg = sha256\n"
    )
    return d / f"{ca}.crt"


def reply(d: Path, name: str, query: bytes) -> bytes:
    """OpenSSL's TSA ``name`` answers ``query``."""
    (d / "query.tsq").write_bytes(query)
    openssl(
        d, "ts", "-reply", "-config", f"{name}-tsa.cnf", "-queryfile", "query.tsq",
        "-out", "reply.tsr",
    )  # fmt: skip
    return (d / "reply.tsr").read_bytes()


@pytest.fixture
def tsa_dir(tmp_path: Path) -> Path:
    d = tmp_path / "tsa"
    d.mkdir()
    make_tsa(d, "good")
    make_tsa(d, "other")
    return d


@pytest.fixture
def http_tsa(tsa_dir: Path) -> Iterator[str]:
    """An RFC 3161 responder on 127.0.0.1 backed by ``openssl ts -reply``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers["Content-Length"]))
            assert self.headers["Content-Type"] == "application/timestamp-query"
            body = reply(tsa_dir, "good", query)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        thread.join()


def new_locker(tmp_path: Path) -> Tuple[soc2.Locker, soc2.Signer]:
    locker = soc2.Locker.init(tmp_path / "locker", "example.com/soc2/acme")
    locker.add_batch(soc2.sample_company(2025)[:3])
    signer = soc2.Signer.generate("ops@example.com")
    return locker, signer


def test_air_gapped_timestamp_is_checked_stored_and_used_by_the_evaluation(
    tmp_path: Path, tsa_dir: Path
) -> None:
    locker, signer = new_locker(tmp_path)
    ca = tsa_dir / "good-ca.crt"
    # Nothing signed yet: nothing to timestamp.
    with pytest.raises(soc2.Soc2Error, match="no signed checkpoint"):
        soc2.timestamp_request(locker)
    before = soc2.evaluate(soc2.Catalog.builtin(), locker, PERIOD, date(2025, 12, 31))
    assert (before.recording_time.records, before.recording_time.proven) == (3, 0)
    assert "company's own clock" in before.recording_time.statement

    soc2.sign_checkpoint(locker, signer)
    query = soc2.timestamp_request(locker)
    assert query[:1] == b"\x30"  # a DER SEQUENCE
    response = reply(tsa_dir, "good", query)

    # A CA the TSA does not chain to is refused, and nothing is stored.
    with pytest.raises(soc2.SignatureError) as refused:
        soc2.store_timestamp(locker, query, response, tsa_ca_file=tsa_dir / "other-ca.crt")
    assert refused.value.code == "ledger.timestamp_untrusted"
    assert not list((tmp_path / "locker" / "checkpoints").glob("*.tsr"))
    # The reply to another query (another nonce) is refused.
    stale = reply(tsa_dir, "good", soc2.timestamp_request(locker))
    with pytest.raises(soc2.IntegrityError) as mismatch:
        soc2.store_timestamp(locker, query, stale, tsa_ca_file=ca)
    assert mismatch.value.code == "ledger.timestamp_nonce_mismatch"
    # The CA file is read as a regular file of bounded size: a FIFO is refused, not
    # waited on, and so is a file too large to be a CA bundle.
    fifo = tmp_path / "ca.fifo"
    os.mkfifo(fifo)
    with pytest.raises(soc2.Soc2IOError) as not_regular:
        soc2.store_timestamp(locker, query, response, tsa_ca_file=fifo)
    assert not_regular.value.code == "input.not_regular_file"
    huge = tmp_path / "huge.pem"
    huge.write_bytes(b"x" * ((1 << 20) + 1))
    with pytest.raises(soc2.Soc2Error) as too_large:
        soc2.store_timestamp(locker, query, response, tsa_ca_file=huge)
    assert too_large.value.code == "input.too_large"
    # Both keywords for the CA at once is ambiguous.
    with pytest.raises(soc2.ValidationError):
        soc2.store_timestamp(locker, query, response, tsa_ca=ca.read_text(), tsa_ca_file=ca)

    info = soc2.store_timestamp(locker, query, response, tsa_ca=ca.read_text())
    assert info.checkpoint_size == 3
    assert info.tsa.endswith("good TSA") and info.policy == "1.2.3.4.1"
    now = _dt.datetime.now(_dt.timezone.utc)
    assert abs((now - info.gen_time).total_seconds()) < 600
    assert (tmp_path / "locker" / "checkpoints" / f"{3:020}.tsr").read_bytes() == response
    # Append-only: the same reply again is a no-op.
    assert soc2.store_timestamp(locker, query, response, tsa_ca_file=ca) == info
    assert soc2.fsck(tmp_path / "locker").is_sound

    after = soc2.evaluate(soc2.Catalog.builtin(), locker, PERIOD, date(2025, 12, 31))
    t = after.recording_time
    assert (t.records, t.proven) == (3, 3)
    assert [(p.checkpoint_size, p.gen_time, p.tsa) for p in t.timestamps] == [
        (3, info.gen_time, info.tsa)
    ]
    assert t.statement.startswith("All 3 records are proven")


def test_timestamp_over_http_and_bundles_checked_against_the_tsa_ca(
    tmp_path: Path, tsa_dir: Path, http_tsa: str
) -> None:
    locker, signer = new_locker(tmp_path)
    ca = tsa_dir / "good-ca.crt"
    soc2.sign_checkpoint(locker, signer)
    info = soc2.timestamp(locker, http_tsa, tsa_ca_file=ca)
    assert info.checkpoint_size == 3 and info.tsa.endswith("good TSA")
    # Nobody answering is an I/O error naming the TSA.
    with pytest.raises(soc2.Soc2IOError) as unreachable:
        soc2.timestamp(locker, "http://127.0.0.1:9/tsa", tsa_ca_file=ca)
    assert unreachable.value.code == "ledger.timestamp_tsa_unreachable"
    assert "127.0.0.1:9" in str(unreachable.value)

    out = tmp_path / "q.zip"
    soc2.export_bundle(locker, out, period=PERIOD, signer=signer)
    allowed = signer.allowed_signers_line()
    soc2.verify_bundle(out, allowed_signers=allowed, tsa_ca_file=ca)
    soc2.verify_bundle(out, allowed_signers=allowed, tsa_ca=ca.read_bytes())
    with pytest.raises(soc2.IntegrityError) as untrusted:
        soc2.verify_bundle(out, allowed_signers=allowed, tsa_ca_file=tsa_dir / "other-ca.crt")
    assert untrusted.value.code == "bundle.timestamp_invalid"
    assert "not trusted" in str(untrusted.value)
