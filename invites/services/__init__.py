from .delivery import plan_workshop_batches, sync_invites
from .feeds import get_or_create_calendar_feed, record_feed_content, reset_calendar_feed_token
from .reminders import due_reminders, reminder_offsets, send_reminders

__all__ = [
    "due_reminders",
    "get_or_create_calendar_feed",
    "plan_workshop_batches",
    "record_feed_content",
    "reminder_offsets",
    "reset_calendar_feed_token",
    "send_reminders",
    "sync_invites",
]
