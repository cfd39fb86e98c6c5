"""The journal of Zimun writes (issue 10): intents recorded, answered, settled, forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.storage import IntentJournal, IntentState, open_store

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def test_an_intent_is_open_until_settled_and_answered_in_place(database_url: str) -> None:
    store = await open_store(database_url)
    try:
        assert isinstance(store, IntentJournal)
        args = {"hold_id": "h_1", "name": "Mario Rossi", "email": "mario@example.com"}
        await store.record_intent(
            key="k1", chat_id=7, kind="confirm", args=args, context={"language": "it"}, at=AT
        )
        later = AT + timedelta(seconds=1)
        await store.record_intent(
            key="k2", chat_id=8, kind="cancel", args={"appointment_id": "a"}, context={}, at=later
        )
        [intent] = await store.open_intents(7)
        assert (intent.kind, intent.args, intent.state, intent.result) == (
            "confirm",
            args,
            IntentState.PENDING,
            None,
        )
        assert intent.created_at == AT
        await store.record_result("k1", {"id": "a_1"})
        [intent] = await store.open_intents(7)
        assert (intent.state, intent.result) == (IntentState.ANSWERED, {"id": "a_1"})
        # The same key again (a retry after Zimun was down) is pending again, not a second row.
        await store.record_intent(
            key="k1", chat_id=7, kind="confirm", args=args, context={}, at=later
        )
        assert [(i.key, i.state) for i in await store.open_intents()] == [
            ("k1", IntentState.PENDING),
            ("k2", IntentState.PENDING),
        ]
        await store.settle_intent("k1")
        assert [i.key for i in await store.open_intents()] == ["k2"]
    finally:
        await store.close()


async def test_forgetting_a_chat_drops_its_intents(database_url: str) -> None:
    store = await open_store(database_url)
    try:
        await store.record_intent(
            key="k1",
            chat_id=7,
            kind="confirm",
            args={"name": "Mario Rossi", "email": "mario@example.com"},
            context={},
            at=AT,
        )
        await store.forget_chat(7)
        assert await store.open_intents() == []
    finally:
        await store.close()
