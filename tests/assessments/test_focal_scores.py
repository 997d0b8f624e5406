"""The agency's training record shows best post-test scores to focal points only where the
program allows it (FOCAL_POINTS_SEE_SCORES); otherwise completion only."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def record(client, agency):
    return client.get(reverse("agencies:record", args=[agency.pk]), {"section": "registrations"})


def test_focal_point_sees_no_scores_by_default(gain_world, client_for, focal_point, agency):
    response = record(client_for(focal_point), agency)
    assert response.status_code == 200
    body = response.content.decode()
    assert gain_world.w1_regs[0].officer.email in body
    assert "data-post-score" not in body
    assert "Post-test:" not in body


def test_focal_point_sees_best_post_scores_when_enabled(
    gain_world, client_for, focal_point, agency, settings
):
    """The first officer's post-test attempts: 30, then 60; the best (60) shows."""
    settings.FOCAL_POINTS_SEE_SCORES = True
    response = record(client_for(focal_point), agency)
    body = response.content.decode()
    assert "Post-test: 60.0 %" in body
    assert body.count("data-post-score") == len(gain_world.w1_regs)
    assert "Post-test: 30.0 %" not in body


def test_a_coordinator_of_the_region_sees_scores(gain_world, client_for, coordinator, agency):
    body = record(client_for(coordinator), agency).content.decode()
    assert "Post-test: 60.0 %" in body


def test_the_setting_defaults_to_off():
    assert django_settings.FOCAL_POINTS_SEE_SCORES is False
