"""A process killed with SIGKILL while an answer streams loses nothing that was flushed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from gpt4all_desktop.core.storage import ChatStore, EndState

REPO = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import sys
    from gpt4all_desktop.core.storage import ChatStore

    store = ChatStore.open(sys.argv[1])
    chat = store.create_chat()
    question = store.add_user_message(chat, "Count for me, please")
    answer = store.begin_answer(chat, question, "counter-model")
    print("ids", chat, answer, flush=True)
    text = ""
    step = 0
    while True:  # stream forever; the parent kills us
        step += 1
        text += f"{step} "
        store.update_answer(answer, text)
        print("flushed", step, flush=True)
    """
)


def test_killed_mid_answer_keeps_flushed_text_marked_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "chats.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert child.stdout is not None
        _, chat_text, answer_text = child.stdout.readline().split()
        last_flushed = 0
        while last_flushed < 50:
            line = child.stdout.readline()
            assert line.startswith("flushed"), line
            last_flushed = int(line.split()[1])
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        if child.stdout:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL

    store = ChatStore.open(path)
    try:
        assert store.integrity_check() == "ok"
        assert store.recovered_answers == 1
        path_messages = store.active_path(int(chat_text))
        assert [m.content for m in path_messages][0] == "Count for me, please"
        answer = path_messages[-1]
        assert answer.id == int(answer_text)
        assert answer.state is EndState.INTERRUPTED
        numbers = [int(n) for n in answer.content.split()]
        # Every flush the child reported is there (the kill may have landed after a later one).
        assert numbers == list(range(1, len(numbers) + 1))
        assert len(numbers) >= last_flushed
    finally:
        store.close()
