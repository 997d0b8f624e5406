"""A real receiver (http.server on 127.0.0.1, allowed by WEBHOOK_ALLOWED_HOSTS), a stand-in for
DNS, and endpoints made directly."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks import addresses
from webhooks.models import SUBSCRIBABLE, Endpoint

PUBLIC_HOST = "hooks.example.com"
PUBLIC_ADDRESS = "93.184.215.14"
ALL_EVENTS = [kind for kind, _label in SUBSCRIBABLE]


class Receiver:
    """Answers each POST with the next of `answers` (status, body, headers), the last one
    repeated; keeps each request and checks its signature with its own code."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, bytes, dict]] = [(200, b"ok", {})]
        self.secret = ""
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                    answer = receiver.answers.pop(0) if len(receiver.answers) > 1 else None
                    status, payload, headers = answer or receiver.answers[0]
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook?src=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def verifies(self, request: dict, secret: str) -> bool:
        """A receiver's check, written independently of webhooks.signing."""
        headers = {k.lower(): v for k, v in request["headers"].items()}
        timestamp = headers["webhook-timestamp"]
        signed = timestamp.encode() + b"." + request["body"]
        expected = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
        given = headers["webhook-signature"]
        assert given.startswith("v1=")
        return hmac.compare_digest(given[3:], expected)

    def payloads(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def dns(monkeypatch):
    """Host names resolve to what the test says (PUBLIC_HOST to a public address)."""
    table: dict[str, list[str]] = {PUBLIC_HOST: [PUBLIC_ADDRESS]}

    def resolve(host, port):
        if host in table:
            return table[host]
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise OSError(f"no such host: {host}") from None
        return [host]

    monkeypatch.setattr(addresses, "resolve", resolve)
    return table


@pytest.fixture
def make_endpoint():
    def make(owner, url=f"https://{PUBLIC_HOST}/hook", event_types=None, **extra):
        return Endpoint.objects.create(
            owner=owner,
            url=url,
            event_types=list(event_types or ALL_EVENTS),
            secret=extra.pop("secret", "whsec_test-secret"),
            **extra,
        )

    return make
