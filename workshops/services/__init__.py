# --- scheduling (h2b) ---
from .scheduling import (
    SchedulingError,
    SessionInput,
    cancel_workshop,
    create_workshop,
    duplicate_workshop,
    local_to_utc,
    publish_workshop,
    set_sessions,
    update_workshop,
)

__all__ = [
    "SchedulingError",
    "SessionInput",
    "cancel_workshop",
    "create_workshop",
    "duplicate_workshop",
    "local_to_utc",
    "publish_workshop",
    "set_sessions",
    "update_workshop",
]
# --- end scheduling (h2b) ---
