"""OAuth2 client credentials at /oauth/token and bearer checks on the API."""

from __future__ import annotations

from datetime import timedelta

import httpx

from bot.clock import ManualClock
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, World, create_app

GRANT = {"grant_type": "client_credentials"}


def _bare_client(world: World) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(world)), base_url="http://sandbox"
    )


async def test_basic_auth_gets_a_bearer_token_with_all_scopes(world: World) -> None:
    async with _bare_client(world) as http:
        response = await http.post(
            "/oauth/token", auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET), data=GRANT
        )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert set(body["scope"].split()) == {
        "org:read",
        "availability:read",
        "appointments:read",
        "appointments:write",
    }
    assert response.headers["cache-control"] == "no-store"


async def test_credentials_in_the_form_body_are_accepted(world: World) -> None:
    async with _bare_client(world) as http:
        response = await http.post(
            "/oauth/token",
            data={**GRANT, "client_id": SANDBOX_CLIENT_ID, "client_secret": SANDBOX_CLIENT_SECRET},
        )
    assert response.status_code == 200


async def test_wrong_secret_is_invalid_client_in_rfc6749_form(world: World) -> None:
    async with _bare_client(world) as http:
        basic = await http.post("/oauth/token", auth=(SANDBOX_CLIENT_ID, "nope"), data=GRANT)
        form = await http.post(
            "/oauth/token", data={**GRANT, "client_id": SANDBOX_CLIENT_ID, "client_secret": "x"}
        )
        anonymous = await http.post("/oauth/token", data=GRANT)
    assert basic.status_code == 401
    assert basic.json()["error"] == "invalid_client"
    assert basic.headers["www-authenticate"].startswith("Basic")
    assert (form.status_code, form.json()["error"]) == (400, "invalid_client")
    assert (anonymous.status_code, anonymous.json()["error"]) == (401, "invalid_client")


async def test_grant_type_is_checked(world: World) -> None:
    creds = (SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET)
    async with _bare_client(world) as http:
        missing = await http.post("/oauth/token", auth=creds, data={})
        other = await http.post("/oauth/token", auth=creds, data={"grant_type": "password"})
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    assert (other.status_code, other.json()["error"]) == (400, "unsupported_grant_type")


async def test_api_needs_a_bearer_token(world: World) -> None:
    async with _bare_client(world) as http:
        missing = await http.get("/api/v1/services")
        unknown = await http.get("/api/v1/services", headers={"Authorization": "Bearer nope"})
    for response in (missing, unknown):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"
        assert "Bearer" in response.headers["www-authenticate"]


async def test_tokens_expire_with_the_clock(client: httpx.AsyncClient, clock: ManualClock) -> None:
    assert (await client.get("/api/v1/services")).status_code == 200
    clock.advance(timedelta(seconds=3599))
    assert (await client.get("/api/v1/services")).status_code == 200
    clock.advance(timedelta(seconds=1))
    expired = await client.get("/api/v1/services")
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "invalid_token"


async def test_forced_token_expiry(client: httpx.AsyncClient, world: World) -> None:
    world.expire_all_tokens()
    assert (await client.get("/api/v1/services")).status_code == 401


async def test_a_narrower_scope_gives_403(world: World) -> None:
    async with _bare_client(world) as http:
        token = await http.post(
            "/oauth/token",
            auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
            data={**GRANT, "scope": "org:read"},
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        allowed = await http.get("/api/v1/services", headers=headers)
        denied = await http.get("/api/v1/appointments", headers=headers)
    assert allowed.status_code == 200
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "insufficient_scope"
