"""Kombu's Redis transport, publishing through one Redis client per channel.

Kombu builds a new `redis.Redis` for every message it publishes (its constructor fills a table
of ~170 response callbacks: about a fifth of the cost of a publish), which every request that
queues a task (mail, invites, exports, a workshop's mail drain) paid. A channel is used by one
thread at a time and each command borrows a socket from the channel's pool, so reusing the client
changes nothing else; a new pool (after a reconnect) gets a new client.
"""

from __future__ import annotations

from contextlib import contextmanager

from kombu.transport import redis


class Channel(redis.Channel):
    _publish_client = None

    @contextmanager
    def conn_or_acquire(self, client=None):
        if client:
            yield client
            return
        pool = self.pool
        cached = self._publish_client
        if cached is None or cached.connection_pool is not pool:
            cached = self._publish_client = self._create_client()
        yield cached


class Transport(redis.Transport):
    Channel = Channel
