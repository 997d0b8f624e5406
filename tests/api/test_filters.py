"""Every list's filters refuse bad values with a 400 naming the filter (never a 500, never a
silently empty list)."""

import pytest

pytestmark = pytest.mark.django_db

BAD = [
    ("/api/v1/workshops/", {"region": "not a slug"}),
    ("/api/v1/workshops/", {"region": "a\x00"}),
    ("/api/v1/workshops/", {"track": "crypto!"}),
    ("/api/v1/workshops/", {"status": "lost"}),
    ("/api/v1/workshops/", {"starts_after": "2026-02-30"}),
    ("/api/v1/workshops/", {"starts_before": "99999-01-01"}),
    ("/api/v1/modules/", {"track": "a b"}),
    ("/api/v1/modules/", {"level": "expert"}),
    ("/api/v1/modules/", {"language": "klingon"}),
    ("/api/v1/officers/", {"agency": "1.5"}),
    ("/api/v1/officers/", {"region": "atlantis"}),
    ("/api/v1/officers/", {"status": "a\x00"}),
    ("/api/v1/reports/figures/", {"year": "99999"}),
    ("/api/v1/reports/figures/", {"region": "-1"}),
    ("/api/v1/reports/figures/", {"track": "9999999999999999999999"}),
    ("/api/v1/reports/figures/", {"date_to": "2026-01-01"}),
]


@pytest.mark.parametrize(("url", "query"), BAD)
def test_bad_filter_values_are_400(api_for, program_admin, url, query):
    response = api_for(program_admin).get(url, query)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert set(errors) & (set(query) | {"__all__"}), errors


@pytest.mark.parametrize("url", ["/api/v1/workshops/", "/api/v1/modules/", "/api/v1/officers/"])
def test_a_bad_cursor_is_a_404_in_json(api_for, program_admin, url):
    response = api_for(program_admin).get(url, {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("pk", ["1.5", "-1", "x", "99999999999999999999"])
def test_ids_that_are_no_row_are_a_404_in_json(api_for, program_admin, pk):
    for route in ("workshops", "modules", "officers"):
        response = api_for(program_admin).get(f"/api/v1/{route}/{pk}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
