import pytest
from rest_framework.test import APIClient

from api.services import create_token


def token_for(user, *, access: str = "read", days: int = 30) -> str:
    """A new token of `user` (staff as if they had entered their code)."""
    return create_token(
        user=user, name="tests", access=access, days=days, second_factor_verified=True
    ).secret


@pytest.fixture
def api_for():
    """`api_for(user, access="read")`: an API client sending a new token of `user`."""

    def _client(user, access: str = "read") -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, access=access)}")
        return client

    return _client
