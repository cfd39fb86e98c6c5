"""Sessions: one JSON document per chat, replaced atomically, surviving restarts."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from bot.storage import Store, open_store


async def test_unknown_chat_has_no_session(store: Store) -> None:
    assert await store.load_session(1) is None


async def test_saved_session_loads_back_as_json(store: Store) -> None:
    data: dict[str, Any] = {
        "step": "ask_email",
        "hold": {"id": "h_1", "expires": "2026-11-24T09:10:00+00:00", "attempt": 2},
        "names": ["Zoë", "Niccolò"],
        "phone": None,
    }
    await store.save_session(7, data)
    assert await store.load_session(7) == data


async def test_saving_replaces_the_whole_document(store: Store) -> None:
    await store.save_session(7, {"step": "ask_name", "draft": {"service": "s_taglio"}})
    await store.save_session(7, {"step": "idle"})
    assert await store.load_session(7) == {"step": "idle"}


async def test_delete_session_forgets_only_that_chat(store: Store) -> None:
    await store.save_session(1, {"step": "a"})
    await store.save_session(2, {"step": "b"})
    await store.delete_session(1)
    await store.delete_session(99)  # unknown chat: nothing to do, no error
    assert await store.load_session(1) is None
    assert await store.load_session(2) == {"step": "b"}


async def test_non_json_session_is_refused_and_previous_kept(store: Store) -> None:
    await store.save_session(3, {"step": "ok"})
    with pytest.raises(TypeError):
        await store.save_session(3, {"when": object()})
    with pytest.raises(ValueError):
        await store.save_session(3, {"price": float("nan")})
    assert await store.load_session(3) == {"step": "ok"}


async def test_fifty_concurrent_saves_on_different_chats_all_land(store: Store) -> None:
    await asyncio.gather(*(store.save_session(chat, {"n": chat}) for chat in range(50)))
    loaded = await asyncio.gather(*(store.load_session(chat) for chat in range(50)))
    assert loaded == [{"n": chat} for chat in range(50)]


async def test_concurrent_saves_on_one_chat_leave_one_whole_document(store: Store) -> None:
    await asyncio.gather(*(store.save_session(5, {"n": n, "copy": n}) for n in range(20)))
    loaded = await store.load_session(5)
    assert loaded is not None
    assert loaded["n"] == loaded["copy"]


async def test_sessions_survive_a_restart(database_url: str) -> None:
    url = database_url
    first = await open_store(url)
    await first.save_session(10, {"step": "ask_email", "name": "Dana"})
    await first.save_session(11, {"step": "idle"})
    await first.delete_session(11)
    await first.close()

    second = await open_store(url)
    try:
        assert await second.load_session(10) == {"step": "ask_email", "name": "Dana"}
        assert await second.load_session(11) is None
    finally:
        await second.close()


@pytest.mark.parametrize("yields", range(6))
async def test_a_cancelled_save_leaves_the_store_usable(store: Store, yields: int) -> None:
    # The engine may be cancelled mid-write (shutdown, timeout); the next write must still work.
    task = asyncio.create_task(store.save_session(1, {"step": "a"}))
    for _ in range(yields):
        await asyncio.sleep(0)  # let the write get further each time; not a wait for time
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await store.save_session(2, {"step": "b"})
    assert await store.load_session(2) == {"step": "b"}
