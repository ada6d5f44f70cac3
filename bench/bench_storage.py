"""Chat history speed: long chats, search while typing, a sidebar with thousands of chats.

Timings depend on the machine, so every figure is reported next to a baseline measured in the same
run, as a ratio (or as a count that should not grow):

* opening a 2,000-message chat's last screen through ``ChatStore.active_path(last=...)`` against
  opening a whole 20-message chat (the view shows the tail and loads earlier messages on scroll);
* searching 50,000 messages (trigram FTS, Korean, and the short-query LIKE fallback) against the
  same queries over 1,000 messages, plus the absolute median so "answers while typing" can be
  judged (a keystroke budget is about 100 ms);
* loading 5,000 chats into the sidebar model and painting a scrolled viewport, against 50 chats,
  and the number of widgets the sidebar creates for each (it must not grow with the chat count).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_storage.py``
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gpt4all_desktop.core.storage import ChatStore  # noqa: E402
from gpt4all_desktop.core.storage.models import now_ms  # noqa: E402

SCREEN_MESSAGES = 40
ENGLISH = ("model", "answer", "python", "memory", "token", "river", "market", "travel", "recipe", "garden",
           "quantized", "context", "window", "laptop", "battery", "question", "seoul", "history", "search")
KOREAN = ("서울", "여행", "맛집", "한옥마을", "경복궁", "파이썬", "질문", "대답", "모델", "메모리", "시장", "추천해줘",
          "에서", "비빔밥", "도서관", "날씨")


def median_time(fn: Callable[[], object], repeat: int = 15) -> float:
    fn()  # warm caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def sentence(rng: random.Random, words: int) -> str:
    vocab = KOREAN if rng.random() < 0.4 else ENGLISH
    return " ".join(rng.choice(vocab) for _ in range(words))


def fill_messages(store: ChatStore, chats: int, per_chat: int, rng: random.Random) -> list[int]:
    """Linear chats written straight through SQL (the FTS triggers still index them)."""
    db = store.db
    ids = []
    now = now_ms()
    with db.transaction():
        for c in range(chats):
            cursor = db.execute(
                "INSERT INTO chats (title, title_is_auto, created_at, updated_at) VALUES (?, 0, ?, ?)",
                (sentence(rng, 4), now - c * 60_000, now - c * 60_000),
            )
            chat_id = int(cursor.lastrowid or 0)
            parent = None
            for m in range(per_chat):
                role = "user" if m % 2 == 0 else "assistant"
                cursor = db.execute(
                    "INSERT INTO messages (chat_id, parent_id, role, content, created_at) VALUES (?, ?, ?, ?, ?)",
                    (chat_id, parent, role, sentence(rng, rng.randint(8, 40)), now - c * 60_000 + m),
                )
                parent = int(cursor.lastrowid or 0)
            db.execute("UPDATE chats SET active_leaf_id = ? WHERE id = ?", (parent, chat_id))
            ids.append(chat_id)
    return ids


def bench_long_chat(folder: Path) -> None:
    store = ChatStore.open(folder / "long.sqlite3")
    rng = random.Random(1)
    short_chat = fill_messages(store, 1, 20, rng)[0]
    long_chat = fill_messages(store, 1, 2000, rng)[0]
    baseline = median_time(lambda: store.active_path(short_chat))
    tail = median_time(lambda: store.active_path(long_chat, last=SCREEN_MESSAGES))
    everything = median_time(lambda: store.active_path(long_chat), repeat=5)
    print("Opening a chat (ChatStore.active_path)")
    print(f"  20-message chat, all messages (baseline)      1.00x  ({baseline * 1000:.2f} ms)")
    print(f"  2,000-message chat, last {SCREEN_MESSAGES} (first screen)  {tail / baseline:5.2f}x")
    print(f"  2,000-message chat, all messages (not needed) {everything / baseline:5.2f}x")
    store.close()


def bench_search(folder: Path) -> None:
    # Common words stop at the 50-hit limit; absent ones (last two) show the full-scan worst case.
    queries = ("한옥마을", "quantized", "market seoul", "서울", "py", "궁", "없는단어", "zq")
    results = {}
    for label, chats, per_chat in (("1,000", 50, 20), ("50,000", 500, 100)):
        store = ChatStore.open(folder / f"search-{chats}.sqlite3")
        start = time.perf_counter()
        fill_messages(store, chats, per_chat, random.Random(2))
        build = time.perf_counter() - start
        results[label] = {q: (median_time(lambda q=q: store.search(q)), len(store.search(q))) for q in queries}
        print(f"  (built {chats * per_chat:,} messages in {build:.1f} s)")
        store.close()
    print("Search (ChatStore.search, 50 hits max), 50,000 vs 1,000 messages")
    for query in queries:
        small, _ = results["1,000"][query]
        large, hits = results["50,000"][query]
        kind = "LIKE fallback" if min(len(t) for t in query.split()) < 3 else "trigram FTS"
        print(f"  {query!r:16} {kind:14} {large / small:6.2f}x  median {large * 1000:6.1f} ms, {hits} hits")


def bench_sidebar(folder: Path) -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    from gpt4all_desktop.ui.history_sidebar import HistorySidebar
    from gpt4all_desktop.workers.storage_worker import StorageClient

    app = QApplication.instance() or QApplication([])
    measured = {}
    for count in (50, 5000):
        path = folder / f"sidebar-{count}.sqlite3"
        store = ChatStore.open(path)
        fill_messages(store, count, 0, random.Random(3))
        listing = median_time(store.list_chats, repeat=7)
        chats = store.list_chats()
        store.close()
        client = StorageClient(path)
        sidebar = HistorySidebar(client)
        sidebar.resize(300, 700)
        sidebar.show()
        load = median_time(lambda: sidebar.chat_model.set_chats(chats), repeat=7)
        view = sidebar.chat_view
        app.processEvents()

        def scroll_and_paint() -> None:
            bar = view.verticalScrollBar()
            bar.setValue(bar.maximum() if bar.value() == 0 else 0)
            view.viewport().grab()

        paint = median_time(scroll_and_paint, repeat=11)
        measured[count] = (listing, load, paint, len(sidebar.findChildren(QWidget)))
        sidebar.close()
        sidebar.deleteLater()
        client.shutdown()
        app.processEvents()
    base, big = measured[50], measured[5000]
    print("Sidebar, 5,000 chats vs 50 chats")
    print(f"  list_chats() from the database    {big[0] / base[0]:7.2f}x  ({big[0] * 1000:.1f} ms for 5,000)")
    print(f"  model reset with group headers    {big[1] / base[1]:7.2f}x  ({big[1] * 1000:.1f} ms for 5,000)")
    print(f"  scroll + paint one viewport       {big[2] / base[2]:7.2f}x")
    print(f"  widgets in the sidebar            {base[3]} with 50 chats, {big[3]} with 5,000")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
        folder = Path(tmp)
        bench_long_chat(folder)
        bench_search(folder)
        bench_sidebar(folder)


if __name__ == "__main__":
    main()
