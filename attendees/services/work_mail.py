"""Mails to staff about work waiting for them, as each chose on their profile (`User.work_mail`):
one for each item, queued here in the transaction that made the item; the daily or weekly
digest (`digest`, `weekly`, sent by the inbox) covers the others; nothing for those who chose
none."""

from __future__ import annotations

from collections.abc import Callable

from django.core.mail import EmailMessage

from attendees.models import User
from attendees.models.access import prime_access_states
from attendees.models.user import UserQuerySet
from outbox.services import queue_mails, queue_render


def each_item_recipients(
    candidates: UserQuerySet,
    *,
    actor: User | None = None,
    may_act: Callable[[User], bool] | None = None,
) -> list[User]:
    """Those of `candidates` (already scoped by the permission rule of the item, which
    `may_act` completes where SQL cannot say it) who want a mail for each item and have program
    access now; never the one who made the item."""
    users = candidates.filter(
        is_active=True, status=User.Status.VERIFIED, work_mail=User.WorkMail.EACH
    )
    if actor is not None:
        users = users.exclude(pk=actor.pk)
    recipients = list(users.order_by("pk"))
    prime_access_states(recipients)
    return [
        user
        for user in recipients
        if user.has_program_access and (may_act is None or may_act(user))
    ]


def queue_work_mails(
    *,
    candidates: UserQuerySet,
    build: Callable[[User], EmailMessage],
    kind: str,
    actor: User | None = None,
    may_act: Callable[[User], bool] | None = None,
    workshop=None,
) -> list[User]:
    """Queue `build(user)` for each recipient (`each_item_recipients`), in the caller's
    transaction. Returns the recipients."""
    recipients = each_item_recipients(candidates, actor=actor, may_act=may_act)
    about = {"kind": kind, "workshop": workshop}
    queue_mails([(build(user), {**about, "recipient": user}) for user in recipients])
    return recipients


def queue_work_renders(
    *,
    candidates: UserQuerySet,
    render: str,
    args: list,
    kind: str,
    actor: User | None = None,
    workshop=None,
) -> list[User]:
    """As `queue_work_mails`, rendered when sent (`outbox.services.queue_render`) by `render`
    called with `args` and the recipient's id: for items made under a lock others wait for."""
    recipients = each_item_recipients(candidates, actor=actor)
    for user in recipients:
        queue_render(
            render=render,
            args=[*args, user.pk],
            to=user.email,
            kind=kind,
            recipient=user,
            workshop=workshop,
        )
    return recipients
