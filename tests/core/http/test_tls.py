"""The Fetcher over real TLS on 127.0.0.1: DNS answer pinned, certificate checked for the name.

A throw-away CA and a server certificate for ``issuer.test`` are made with ``cryptography``; the
Fetcher trusts that CA through ``ssl_context`` and resolves ``issuer.test`` to 127.0.0.1 via
``resolve``. This proves that SNI and hostname verification use the URL's name while the socket
goes to the pinned, policy-checked address — and that ``did:web`` resolves end to end over HTTPS.
"""

from __future__ import annotations

import datetime
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from rotonde.did import DidDocument, Resolver
from rotonde.errors import FetchError
from rotonde.http import Fetcher, URLPolicy
from rotonde.keys import generate
from tests._system import system_fixture

KEY = generate("EdDSA").public_key


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _certs(tmp: Path) -> tuple[Path, Path, Path]:
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Rotonde test CA"))
        .issuer_name(_name("Rotonde test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("issuer.test"))
        .issuer_name(ca.subject)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("issuer.test")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem, cert_pem, key_pem = tmp / "ca.pem", tmp / "cert.pem", tmp / "key.pem"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_pem.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca_pem, cert_pem, key_pem


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/.well-known/did.json":
            body = json.dumps(
                DidDocument.for_key(
                    "did:web:issuer.test%3A" + str(self.server.server_address[1]), KEY, fragments=["k1"]
                ).to_json()
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/did+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


@pytest.fixture(scope="module")
@system_fixture
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    ca, cert, key = _certs(tmp_path_factory.mktemp("tls"))
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_address[1], ca
    srv.shutdown()
    srv.server_close()


def _client_ctx(ca: Path) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(ca))
    return ctx


def test_did_web_over_tls_with_pinned_address(tls_server: tuple[int, Path]) -> None:
    port, ca = tls_server
    fetcher = Fetcher(
        policy=URLPolicy(allow_private=True), resolve=lambda h, p: ["127.0.0.1"], ssl_context=_client_ctx(ca)
    )
    did = f"did:web:issuer.test%3A{port}"
    vm = Resolver(fetcher).resolve_key(did + "#k1", purpose="assertionMethod")
    assert vm.public_key == KEY


def test_certificate_is_checked_against_the_url_name(tls_server: tuple[int, Path]) -> None:
    port, ca = tls_server
    # the certificate is for issuer.test; asking for another name at the same address fails
    fetcher = Fetcher(
        policy=URLPolicy(allow_private=True), resolve=lambda h, p: ["127.0.0.1"], ssl_context=_client_ctx(ca)
    )
    with pytest.raises(FetchError) as err:
        fetcher.get_json(f"https://other.test:{port}/.well-known/did.json")
    assert err.value.code == "fetch.failed"
    # and without the test CA the default roots do not trust it
    default = Fetcher(policy=URLPolicy(allow_private=True), resolve=lambda h, p: ["127.0.0.1"])
    with pytest.raises(FetchError):
        default.get_json(f"https://issuer.test:{port}/.well-known/did.json")


def test_loopback_answer_refused_by_default_policy(tls_server: tuple[int, Path]) -> None:
    port, ca = tls_server
    fetcher = Fetcher(resolve=lambda h, p: ["127.0.0.1"], ssl_context=_client_ctx(ca))
    with pytest.raises(FetchError) as err:
        fetcher.get_json(f"https://issuer.test:{port}/.well-known/did.json")
    assert err.value.code == "fetch.url_refused"
