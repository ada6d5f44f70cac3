"""Chats, branches, streaming answers, titles, grouping and search on a real database file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from gpt4all_desktop.core.storage import (
    AnswerStats,
    ChatGroup,
    ChatNotFoundError,
    ChatStore,
    EndState,
    Role,
    group_for,
)
from gpt4all_desktop.core.storage.titles import auto_title


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ChatStore]:
    opened = ChatStore.open(tmp_path / "chats.sqlite3")
    yield opened
    opened.close()


def _exchange(store: ChatStore, chat: int, question: str, answer: str, model: str = "m") -> tuple[int, int]:
    q = store.add_user_message(chat, question)
    a = store.begin_answer(chat, q, model)
    store.finish_answer(a, answer)
    return q, a


def test_chat_settings_round_trip_and_model_change_keeps_messages(store: ChatStore) -> None:
    chat = store.create_chat(model="llama", system_prompt="Be brief.", sampling={"temperature": 0.2, "top_k": 20})
    _exchange(store, chat, "hello there friend", "hi!")
    store.set_chat_model(chat, "qwen")
    store.set_chat_settings(chat, sampling={"temperature": 0.9})
    loaded = store.chat(chat)
    assert (loaded.model, loaded.system_prompt, loaded.sampling) == ("qwen", "Be brief.", {"temperature": 0.9})
    assert [m.content for m in store.active_path(chat)] == ["hello there friend", "hi!"]
    store.set_chat_settings(chat, system_prompt=None)
    assert store.chat(chat).system_prompt is None
    with pytest.raises(ChatNotFoundError):
        store.chat(chat + 100)


def test_streaming_answer_is_saved_as_it_grows_and_finished_with_stats(store: ChatStore) -> None:
    chat = store.create_chat()
    question = store.add_user_message(chat, "Tell me a story")
    answer = store.begin_answer(chat, question, "llama-3.2-1b")
    assert store.message(answer).state is EndState.STREAMING
    store.update_answer(answer, "Once upon")
    assert store.message(answer).content == "Once upon"
    # Not searchable while streaming; indexed once finished.
    assert store.search("upon") == []
    stats = AnswerStats(prompt_tokens=12, generated_tokens=40, ttft_s=0.25, tokens_per_second=31.5)
    store.finish_answer(answer, "Once upon a time.", stats, EndState.STOPPED)
    done = store.message(answer)
    assert (done.content, done.state, done.stats, done.model) == ("Once upon a time.", EndState.STOPPED, stats, "llama-3.2-1b")
    store.update_answer(answer, "late update is ignored")
    assert store.message(answer).content == "Once upon a time."
    assert [h.message_id for h in store.search("upon a time")] == [answer]
    with pytest.raises(ValueError):
        store.finish_answer(answer, "x", end_state=EndState.STREAMING)


def test_error_end_state_keeps_the_message(store: ChatStore) -> None:
    chat = store.create_chat()
    q = store.add_user_message(chat, "question")
    a = store.begin_answer(chat, q, "m")
    store.finish_answer(a, "partial", end_state=EndState.ERROR, error="out of memory")
    msg = store.message(a)
    assert (msg.state, msg.error, msg.content) == (EndState.ERROR, "out of memory", "partial")


def test_recovery_marks_leftover_streaming_answers_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "chats.sqlite3"
    first = ChatStore.open(path)
    chat = first.create_chat()
    q = first.add_user_message(chat, "question")
    a = first.begin_answer(chat, q, "m")
    first.update_answer(a, "half an ans")
    first.close()  # closed without finish_answer: like a crash
    second = ChatStore.open(path)
    try:
        assert second.recovered_answers == 1
        msg = second.message(a)
        assert (msg.state, msg.content) == (EndState.INTERRUPTED, "half an ans")
        assert [h.message_id for h in second.search("half an")] == [a]
    finally:
        second.close()


def test_regenerate_and_edit_create_branches(store: ChatStore) -> None:
    chat = store.create_chat()
    q1, a1 = _exchange(store, chat, "first question", "first answer")
    q2, a2 = _exchange(store, chat, "second question", "second answer v1")
    # Regenerate the last answer: a sibling under the same question.
    a2b = store.begin_answer(chat, q2, "other-model")
    store.finish_answer(a2b, "second answer v2")
    assert [m.id for m in store.active_path(chat)] == [q1, a1, q2, a2b]
    info = store.siblings(a2b)
    assert (info.index, info.count, info.sibling_ids, info.previous_id, info.next_id) == (2, 2, (a2, a2b), a2, None)

    # Edit the first question: a new root branch; the model sees only this branch.
    q1b = store.edit_user_message(q1, "first question, edited")
    assert [m.content for m in store.active_path(chat)] == ["first question, edited"]
    assert store.siblings(q1b).index == 2 and store.siblings(q1).count == 2
    a1b = store.begin_answer(chat, q1b, "m")
    store.finish_answer(a1b, "answer to the edit")
    assert [m.id for m in store.active_path(chat)] == [q1b, a1b]

    # Arrows back to the original question: its newest descendants come back.
    leaf = store.switch_branch(q1)
    assert leaf == a2b
    assert [m.id for m in store.active_path(chat)] == [q1, a1, q2, a2b]
    store.switch_branch(a2)
    assert [m.content for m in store.active_path(chat)][-1] == "second answer v1"
    assert store.chat(chat).active_leaf_id == a2
    assert len(store.all_messages(chat)) == 7
    shown = [m.id for m in store.active_path(chat)]
    assert store.branches(shown) == {m: store.siblings(m) for m in shown}
    assert store.branches([q1b])[q1b].sibling_ids == (q1, q1b)
    with pytest.raises(ChatNotFoundError):
        store.branches([9999])
    with pytest.raises(ValueError):
        store.edit_user_message(a1, "answers cannot be edited")


def test_long_chat_tail_and_length(store: ChatStore) -> None:
    chat = store.create_chat()
    for i in range(60):
        _exchange(store, chat, f"question {i}", f"answer {i}")
    assert store.active_path_length(chat) == 120
    tail = store.active_path(chat, last=5)
    assert [m.content for m in tail] == ["answer 57", "question 58", "answer 58", "question 59", "answer 59"]
    assert store.active_path(chat, last=1)[0].role is Role.ASSISTANT
    assert len(store.active_path(chat)) == 120


def test_messages_from_another_chat_cannot_be_parents(store: ChatStore) -> None:
    one, two = store.create_chat(), store.create_chat()
    q = store.add_user_message(one, "in chat one")
    with pytest.raises(ChatNotFoundError):
        store.begin_answer(two, q, "m")


def test_auto_title_from_first_exchange_and_rename_wins(store: ChatStore) -> None:
    chat = store.create_chat()
    _exchange(store, chat, "## How do I **reverse** a list in `Python`?\n\nSome details follow.", "Use slicing.")
    assert store.chat(chat).title == "How do I reverse a list in Python?"
    short = store.create_chat()
    _exchange(store, short, "hi", "Hello! How can I help you today? Ask me anything.")
    assert store.chat(short).title == "Hello! How can I help you today?"
    store.rename_chat(short, "  My   greeting ")
    _exchange(store, short, "another", "more")
    assert store.chat(short).title == "My greeting" and not store.chat(short).title_is_auto


def test_auto_title_is_short_and_clean() -> None:
    title = auto_title("```python\nprint(1)\n```\n" + "word " * 40)
    assert len(title) <= 48 and title.endswith("…") and "`" not in title and "\n" not in title
    assert auto_title("서울에서 가볼 만한 곳을 추천해 주세요") == "서울에서 가볼 만한 곳을 추천해 주세요"


def test_delete_is_undoable_until_purged(store: ChatStore) -> None:
    keep, gone = store.create_chat("keep"), store.create_chat("gone")
    _exchange(store, gone, "secret words here", "ok")
    store.delete_chat(gone)
    assert [c.id for c in store.list_chats()] == [keep]
    assert store.search("secret") == []
    store.restore_chat(gone)
    assert {c.id for c in store.list_chats()} == {keep, gone}
    store.delete_chat(gone)
    assert store.purge_deleted() == 1
    with pytest.raises(ChatNotFoundError):
        store.restore_chat(gone)
    assert store.db.query_one("SELECT count(*) FROM messages")[0] == 0


def test_chats_deleted_long_ago_are_erased_on_open(tmp_path: Path) -> None:
    from gpt4all_desktop.core.storage.chats import PURGE_AFTER_MS

    path = tmp_path / "chats.sqlite3"
    first = ChatStore.open(path)
    keep, old, fresh = first.create_chat("keep"), first.create_chat("old"), first.create_chat("fresh")
    first.add_user_message(old, "private words")
    first.delete_chat(old)
    first.delete_chat(fresh)  # another instance may still offer undo for this one
    first.db.execute("UPDATE chats SET deleted_at = deleted_at - ? WHERE id = ?", (PURGE_AFTER_MS + 1, old))
    first.close()
    second = ChatStore.open(path)
    try:
        assert second.purged_chats == 1
        assert [c.id for c in second.list_chats()] == [keep]
        with pytest.raises(ChatNotFoundError):
            second.restore_chat(old)
        assert second.db.query_one("SELECT count(*) FROM message_fts WHERE message_fts MATCH 'private'")[0] == 0
        second.restore_chat(fresh)
        assert second.purge_deleted(chat_id=keep) == 0  # never erases a chat that is not deleted
        second.delete_chat(fresh)
        assert second.purge_deleted(chat_id=fresh) == 1
    finally:
        second.close()


def test_list_is_newest_first_and_grouped_by_day(store: ChatStore) -> None:
    now = dt.datetime(2025, 3, 10, 15, 0, tzinfo=dt.timezone.utc)
    day_ms = 86_400_000
    base = int(now.timestamp() * 1000)
    ages = {"today": 0, "yesterday": 1, "five days": 5, "old": 30}
    for title, days in ages.items():
        chat = store.create_chat(title)
        store.db.execute("UPDATE chats SET updated_at = ? WHERE id = ?", (base - days * day_ms, chat))
    assert [c.title for c in store.list_chats()] == ["today", "yesterday", "five days", "old"]
    groups = store.grouped_chats(now)
    assert [(g, [c.title for c in chats]) for g, chats in groups] == [
        (ChatGroup.TODAY, ["today"]),
        (ChatGroup.YESTERDAY, ["yesterday"]),
        (ChatGroup.PREVIOUS_7_DAYS, ["five days"]),
        (ChatGroup.OLDER, ["old"]),
    ]
    just_after_midnight = dt.datetime(2025, 3, 10, 0, 5, tzinfo=dt.timezone.utc)
    late_yesterday = int(dt.datetime(2025, 3, 9, 23, 55, tzinfo=dt.timezone.utc).timestamp() * 1000)
    assert group_for(late_yesterday, just_after_midnight) is ChatGroup.YESTERDAY


def test_search_korean_substrings_short_queries_and_snippets(store: ChatStore) -> None:
    seoul = store.create_chat("서울 여행 계획")
    q, a = _exchange(store, seoul, "서울에서 가볼 만한 곳은?", "경복궁과 북촌 한옥마을을 추천합니다.")
    other = store.create_chat("Python tips")
    pq, pa = _exchange(store, other, "How to reverse a list?", "Use " + "filler " * 30 + "slicing: lst[::-1].")

    # A Korean substring inside a word with a particle (서울에서) matches.
    hits = store.search("서울")
    assert [(h.chat_id, h.message_id) for h in hits] == [(seoul, None), (seoul, q)]
    assert hits[1].snippet_marked() == "[서울]에서 가볼 만한 곳은?"
    # Three or more characters use the trigram index, also in Korean.
    assert [h.message_id for h in store.search("한옥마을")] == [a]
    # Terms are ANDed; case-insensitive; a snippet is cut around the match and marked.
    hits = store.search("SLICING lst")
    assert [h.message_id for h in hits] == [pa]
    assert hits[0].snippet.startswith("…") and "[slicing]" in hits[0].snippet_marked()
    assert hits[0].snippet_marked("<b>", "</b>").count("<b>") == 2
    # Two-character Latin and one-character queries fall back to LIKE.
    assert {h.message_id for h in store.search("st")} == {pq, pa}
    assert [h.message_id for h in store.search("궁")] == [a]
    # LIKE wildcards in the query are literal.
    assert store.search("%") == [] and store.search('"') == []
    assert store.search("   ") == []
