import pytest
from celery import shared_task
from django.db import transaction

from trainingsite.celery import app

calls = []


@shared_task
def _record(value):
    calls.append(value)
    if value == "boom":
        raise RuntimeError("SMTP down")
    return value


def test_tasks_use_the_robust_base_class():
    assert isinstance(_record, app.Task)
    assert app.Task.__module__ == "trainingsite.celery_base"


@pytest.mark.django_db(transaction=True)
def test_failing_task_after_commit_does_not_fail_the_caller(caplog):
    calls.clear()
    with transaction.atomic():
        _record.delay_on_commit("boom")
        _record.delay_on_commit("ok")
    # Both ran (eagerly, after commit); the failure was logged, not raised.
    assert calls == ["boom", "ok"]
    assert "SMTP down" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_when_the_transaction_rolls_back():
    calls.clear()
    with pytest.raises(ValueError), transaction.atomic():
        _record.delay_on_commit("never")
        raise ValueError
    assert calls == []


@pytest.mark.django_db(transaction=True)
def test_broker_down_does_not_fail_the_caller(settings, caplog):
    def use_broker(url):
        # Drop the cached connection and producer pools so the next publish uses `url`.
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.task_always_eager = False
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there: like a stopped Redis
    try:
        calls.clear()
        with transaction.atomic():
            _record.delay_on_commit("queued")
        assert calls == []
        assert "Connection refused" in caplog.text or "Error 111" in caplog.text
    finally:
        app.conf.task_always_eager = True
        use_broker(settings.CELERY_BROKER_URL)
