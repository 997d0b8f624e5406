"""The connection itself: TLS to the checked address under the URL's host name (certificate
checked for that name), and IPv6 addresses."""

import datetime as dt
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from webhooks import sending
from webhooks.models import Delivery, Event, EventType

pytestmark = pytest.mark.django_db

HOST = "receiver.example.test"


def _name(common):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificates(tmp_path, names):
    """A CA, and a server certificate it signed for `names`; returns (ca file, cert, key)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test CA"))
        .issuer_name(_name("Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(names[0]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


class _Handler(BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append((self.headers.get("Host"), getattr(self.connection, "sni", None)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    def start(names):
        ca_file, cert_file, key_file = _certificates(tmp_path, names)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        sni = []
        context.sni_callback = lambda sock, name, ctx: sni.append(name)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        # The system's trust store, as OpenSSL reads it, holds only the test CA.
        monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
        servers.append(server)
        return server, sni

    servers: list = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _delivery(owner, make_endpoint, url):
    endpoint = make_endpoint(owner, url=url)
    event = Event.objects.create(type=EventType.PING)
    return Delivery.objects.create(endpoint=endpoint, event=event)


def test_tls_goes_to_the_checked_address_under_the_host_name(
    tls_server, dns, settings, coordinator, make_endpoint
):
    server, sni = tls_server([HOST])
    port = server.server_address[1]
    settings.WEBHOOK_ALLOWED_HOSTS = [HOST]
    dns[HOST] = ["127.0.0.1"]
    delivery = _delivery(coordinator, make_endpoint, f"https://{HOST}:{port}/hook")
    _Handler.seen = []
    assert sending.deliver(delivery.pk) is True
    assert sni == [HOST]
    assert _Handler.seen[0][0] == f"{HOST}:{port}"
    delivery.refresh_from_db()
    assert delivery.response_status == 204


def test_a_certificate_for_another_name_is_refused(
    tls_server, dns, settings, coordinator, make_endpoint
):
    server, _sni = tls_server(["someone-else.example.test"])
    port = server.server_address[1]
    settings.WEBHOOK_ALLOWED_HOSTS = [HOST]
    dns[HOST] = ["127.0.0.1"]
    delivery = _delivery(coordinator, make_endpoint, f"https://{HOST}:{port}/hook")
    assert sending.deliver(delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.response_status is None
    assert "SSL" in delivery.last_error or "certificate" in delivery.last_error.lower()


class _V6Server(HTTPServer):
    address_family = socket.AF_INET6


def test_an_ipv6_address_is_connected_to(settings, coordinator, make_endpoint):
    try:
        server = _V6Server(("::1", 0), _Handler)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.WEBHOOK_ALLOWED_HOSTS = ["::1"]
        port = server.server_address[1]
        delivery = _delivery(coordinator, make_endpoint, f"http://[::1]:{port}/hook")
        _Handler.seen = []
        assert sending.deliver(delivery.pk) is True
        assert _Handler.seen[0][0] == f"[::1]:{port}"
    finally:
        server.shutdown()
        server.server_close()
