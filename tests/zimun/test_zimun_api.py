"""The engine's view of Zimun: `ZimunApi` and `ZimunClient` must offer the same async methods."""

from __future__ import annotations

import inspect

from bot.zimun import ZimunApi, ZimunClient

CONTRACT = (
    "list_services",
    "list_locations",
    "get_availability",
    "hold",
    "release_hold",
    "confirm",
    "reschedule",
    "cancel",
    "get_appointment",
    "list_appointments",
)


def test_the_protocol_lists_exactly_the_contract_methods() -> None:
    declared = {
        name
        for name, member in vars(ZimunApi).items()
        if inspect.iscoroutinefunction(member) and not name.startswith("_")
    }
    assert declared == set(CONTRACT)


def test_the_client_matches_the_protocol_signature_for_signature() -> None:
    for name in CONTRACT:
        method = getattr(ZimunClient, name)
        assert inspect.iscoroutinefunction(method), name
        assert inspect.signature(method) == inspect.signature(getattr(ZimunApi, name)), name


def test_a_client_is_accepted_where_the_protocol_is_expected() -> None:
    client: ZimunApi = ZimunClient(  # mypy checks this assignment structurally
        base_url="https://zimun.test", client_id="c", client_secret="s", organization_id="o"
    )
    assert isinstance(client, ZimunClient)
