"""Fail fast, in one line, when PostgreSQL or Redis is not reachable for the test suite."""

import os
import socket
import sys
from urllib.parse import urlparse

HINTS = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
}


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=3):
            return True
    except OSError:
        return False


def main() -> int:
    checks = [
        ("PostgreSQL", os.environ.get("DATABASE_URL", ""), 5432),
        ("Redis", os.environ.get("REDIS_URL", ""), 6379),
    ]
    for name, url, port in checks:
        if not url or not reachable(url, port):
            print(f"{name} is not reachable at {url or '(unset)'}: start it with `{HINTS[name]}`")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
