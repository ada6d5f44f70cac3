"""Markdown and JSON export, JSON round trip, ChatGPT import, and refusing bad files whole."""

from __future__ import annotations

import copy
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from gpt4all_desktop.core.storage import AnswerStats, ChatStore, EndState, ImportFormatError, Role
from gpt4all_desktop.core.storage import export_import as ei
from gpt4all_desktop.core.storage.chatgpt_import import import_chatgpt, import_chatgpt_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ChatStore]:
    opened = ChatStore.open(tmp_path / "chats.sqlite3")
    yield opened
    opened.close()


def _branchy_history(store: ChatStore) -> list[int]:
    chat = store.create_chat(model="llama", system_prompt="Answer in Korean.", sampling={"temperature": 0.3})
    q1 = store.add_user_message(chat, "서울 맛집 추천")
    a1 = store.begin_answer(chat, q1, "llama")
    store.update_answer(a1, "광장")
    store.finish_answer(a1, "광장시장을 추천합니다.", AnswerStats(30, 12, 0.125, 42.5))
    a1b = store.begin_answer(chat, q1, "qwen")
    store.finish_answer(a1b, "남대문시장도 좋아요.", AnswerStats(30, 9, 0.5, 18.0), EndState.STOPPED)
    store.edit_user_message(q1, "부산 맛집 추천")
    store.switch_branch(a1)
    second = store.create_chat("Errors")
    q = store.add_user_message(second, "crash?")
    err = store.begin_answer(second, q, "llama")
    store.finish_answer(err, "", end_state=EndState.ERROR, error="model failed to load")
    return [chat, second]


def _without_export_time(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "exported_at"}


def test_json_round_trip_keeps_everything_including_branches(store: ChatStore, tmp_path: Path) -> None:
    _branchy_history(store)
    out = tmp_path / "all.json"
    ei.write_json(store, out)
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["format"] == ei.FORMAT_NAME and exported["version"] == ei.FORMAT_VERSION
    first = exported["chats"][1]  # newest first: "Errors" chat was created last
    assert first["sampling"] == {"temperature": 0.3} and len(first["messages"]) == 4
    assert [m["parent"] for m in first["messages"]] == [None, "m1", "m1", None]

    fresh = ChatStore.open(tmp_path / "other.sqlite3")
    try:
        new_ids = ei.import_json_file(fresh, out)
        assert len(new_ids) == 2
        again = ei.export_json(fresh, new_ids)
        assert _without_export_time(again) == _without_export_time(exported)
        # The active branch and sibling structure behave the same after import.
        imported_chat = new_ids[1]
        path = fresh.active_path(imported_chat)
        assert [m.content for m in path] == ["서울 맛집 추천", "광장시장을 추천합니다."]
        assert fresh.siblings(path[1].id).count == 2 and fresh.siblings(path[0].id).count == 2
        assert [h.chat_id for h in fresh.search("남대문")] == [imported_chat]
    finally:
        fresh.close()


def test_markdown_export_shows_the_active_branch(store: ChatStore, tmp_path: Path) -> None:
    chat, second = _branchy_history(store)
    text = ei.chat_to_markdown(store, chat)
    assert text.startswith("# 서울 맛집 추천\n")
    assert "**System prompt:**\n\nAnswer in Korean." in text
    assert "### You — version 1 of 2\n\n서울 맛집 추천" in text
    assert "### Assistant (llama) — version 1 of 2\n\n광장시장을 추천합니다." in text
    assert "남대문" not in text and "부산" not in text
    out = tmp_path / "all.md"
    ei.write_markdown(store, out)
    everything = out.read_text(encoding="utf-8")
    assert "# Errors" in everything and "_(error: model failed to load)_" in everything
    assert everything.count("\n---\n") == 1


def _valid_document(store: ChatStore) -> dict:
    _branchy_history(store)
    return ei.export_json(store)


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda d: d.pop("chats"), '"chats" is missing'),
        (lambda d: d.update(format="something-else"), '"format" should be'),
        (lambda d: d.update(version=99), "newer version"),
        (lambda d: d["chats"][1]["messages"][2].update(role="robot"), 'chats[1].messages[2]: unknown role "robot"'),
        (lambda d: d["chats"][1]["messages"][1].update(parent="m9"), 'parent "m9" is not an earlier message'),
        (lambda d: d["chats"][0]["messages"][0].pop("content"), 'chats[0].messages[0]: "content" is missing'),
        (lambda d: d["chats"][0].update(created_at="yesterday"), "not an ISO 8601 time"),
        (lambda d: d["chats"][1].update(active_leaf="m77"), '"active_leaf" names an unknown message'),
        (lambda d: d["chats"][1]["messages"][1]["stats"].update(prompt_tokens="many"), '"prompt_tokens" should be int'),
    ],
)
def test_malformed_json_import_names_the_problem_and_imports_nothing(store: ChatStore, damage, named: str) -> None:
    document = _valid_document(store)
    before = len(store.list_chats())
    broken = copy.deepcopy(document)
    damage(broken)
    with pytest.raises(ImportFormatError) as caught:
        ei.import_json(store, json.dumps(broken))
    assert named in str(caught.value) and "Nothing was imported" in str(caught.value)
    assert len(store.list_chats()) == before


def test_truncated_json_file_is_rejected(store: ChatStore, tmp_path: Path) -> None:
    document = json.dumps(_valid_document(store))
    partial = tmp_path / "partial.json"
    partial.write_text(document[: len(document) // 2], encoding="utf-8")
    with pytest.raises(ImportFormatError, match="not valid JSON"):
        ei.import_json_file(store, partial)
    with pytest.raises(ImportFormatError, match="could not be read"):
        ei.import_json_file(store, tmp_path / "missing.json")


def test_chatgpt_export_becomes_branching_chats(store: ChatStore) -> None:
    result = import_chatgpt_file(store, FIXTURES / "chatgpt_conversations.json")
    assert len(result.chat_ids) == 3 and result.skipped_conversations == 0
    assert result.skipped_messages == 4  # hidden system, custom instructions, tool call, tool output
    reverse, seoul, math = (store.chat(i) for i in result.chat_ids)

    assert reverse.title == "Reverse a list" and not reverse.title_is_auto
    path = store.active_path(reverse.id)
    assert [m.content for m in path] == [
        "How do I reverse a list in Python?",
        "Use `my_list[::-1]` or `my_list.reverse()`.",
        "And a string?",
        "Strings work the same: `text[::-1]`.",
    ]
    assert path[0].created_at == 1_700_000_001_500 and path[1].model == "gpt-4o"
    regenerated = store.siblings(path[1].id)
    assert regenerated.count == 2
    assert store.message(regenerated.sibling_ids[1]).model == "gpt-4o-mini"

    # Tool nodes are dropped and the answer attaches to the question; the edit is a sibling root.
    seoul_path = store.active_path(seoul.id)
    assert [(m.role, m.content) for m in seoul_path] == [
        (Role.USER, "서울에서 가볼 만한 곳 알려줘"),
        (Role.ASSISTANT, "경복궁, 북촌 한옥마을, 남산타워를 추천합니다."),
    ]
    edit = store.siblings(seoul_path[0].id)
    assert edit.count == 2
    assert store.message(edit.sibling_ids[1]).content == "[image]\n이 사진 속 장소는 어디야?"

    assert math.system_prompt == "You are a terse assistant."
    last = store.active_path(math.id)[-1]
    assert (last.content, last.state) == ("4", EndState.INTERRUPTED)
    assert [h.chat_id for h in store.search("경복궁 근정전")] == [seoul.id]


def test_chatgpt_zip_export_is_read(store: ChatStore, tmp_path: Path) -> None:
    archive = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FIXTURES / "chatgpt_conversations.json", "conversations.json")
        zf.writestr("chat.html", "<html></html>")
    assert len(import_chatgpt_file(store, archive).chat_ids) == 3


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        (lambda c: c[1]["mapping"]["k4"].update(parent="nowhere"), 'conversation 2 ("서울 여행"): node "k4" points to a parent "nowhere"'),
        (lambda c: c[2].pop("mapping"), 'conversation 3 ("Math"): "mapping" is missing'),
        (lambda c: c[0]["mapping"]["root-1"].update(parent="a2"), "no root"),
        (lambda c: c.__setitem__(1, "oops"), "conversation 2: should be an object"),
    ],
)
def test_malformed_chatgpt_export_imports_nothing(store: ChatStore, damage, named: str) -> None:
    conversations = json.loads((FIXTURES / "chatgpt_conversations.json").read_text(encoding="utf-8"))
    damage(conversations)
    with pytest.raises(ImportFormatError) as caught:
        import_chatgpt(store, json.dumps(conversations))
    assert named in str(caught.value)
    assert store.list_chats() == []
    with pytest.raises(ImportFormatError, match="list of conversations"):
        import_chatgpt(store, '{"not": "a list"}')


def test_import_failing_half_way_in_the_database_leaves_nothing(store: ChatStore) -> None:
    from gpt4all_desktop.core.storage import DiskFullError

    document = _valid_document(store)
    document["chats"].append({**document["chats"][0], "messages": [
        {**document["chats"][0]["messages"][0], "id": "big", "content": "x " * 200_000}
    ], "active_leaf": None})
    before = store.db.query_one("SELECT count(*) FROM messages")[0]
    pages = store.db.query_one("PRAGMA page_count")[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 20}")
    with pytest.raises(DiskFullError):
        ei.import_json(store, document)
    assert len(store.list_chats()) == 2
    assert store.db.query_one("SELECT count(*) FROM messages")[0] == before
