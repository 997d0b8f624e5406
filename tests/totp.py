"""The code an authenticator app shows now (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits)."""

import base64
import hashlib
import hmac
import struct
import time


def current_code(secret: str, at: float | None = None) -> str:
    if at is None:
        # Near the end of a step the code may expire before the server checks it (a loaded
        # machine): wait for the next step instead.
        left = 30 - time.time() % 30
        if left < 4:
            time.sleep(left + 0.05)
        at = time.time()
    counter = int(at // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
