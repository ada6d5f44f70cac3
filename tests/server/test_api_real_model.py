"""The local API through the official openai client, against the real starter model."""

from __future__ import annotations

import json
import os
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletion

from gpt4all_desktop.server.host import model_id
from gpt4all_desktop.workers.inference_worker import InferenceController
from tests.server.conftest import API_KEY, LOAD_TIMEOUT_MS, Running, starter_request, wait_for

pytestmark = pytest.mark.model

HELLO = [{"role": "user", "content": "Say hello to me in one sentence."}]
GREEDY = {"temperature": 0.0, "seed": 7, "max_tokens": 12}
SHORT = {"temperature": 0.0, "seed": 7, "max_tokens": 4}


def model_name(engine: InferenceController) -> str:
    assert engine.model is not None
    return model_id(engine.model)


def test_lists_the_loaded_model(client: openai.OpenAI, engine: InferenceController) -> None:
    models = client.models.list().data
    assert [m.id for m in models] == [Path(engine.model.path).name]  # type: ignore[union-attr]
    assert models[0].owned_by == "gpt4all-desktop"
    assert client.models.retrieve(models[0].id).id == models[0].id


@pytest.fixture(scope="module")
def hello(api: Running, engine: InferenceController) -> ChatCompletion:
    """The greedy answer to HELLO, asked once and compared against by several tests."""
    with api.client() as client:
        return client.chat.completions.create(model=model_name(engine), messages=HELLO, **GREEDY)


def test_chat_completion_answers_with_usage(hello: ChatCompletion, engine: InferenceController,
                                            api: Running) -> None:
    reply = hello
    choice = reply.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content and choice.message.content.strip()
    assert choice.finish_reason in ("stop", "length")
    assert reply.model == model_name(engine)
    assert reply.usage is not None
    assert reply.usage.prompt_tokens > 5
    assert 0 < reply.usage.completion_tokens <= 12
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    record = next(r for r in api.records if r.answer == choice.message.content)
    assert (record.method, record.path, record.status) == ("POST", "/v1/chat/completions", 200)
    assert record.answer == choice.message.content
    assert record.messages[-1].content == HELLO[0]["content"]


def test_streamed_answer_matches_the_whole_answer(client: openai.OpenAI, engine: InferenceController,
                                                  hello: ChatCompletion) -> None:
    whole = hello
    stream = client.chat.completions.create(model=model_name(engine), messages=HELLO, stream=True,
                                            stream_options={"include_usage": True}, **GREEDY)
    pieces: list[str] = []
    reasons: list[str] = []
    usage = None
    roles = []
    for chunk in stream:
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            roles.append(choice.delta.role)
            if choice.delta.content:
                pieces.append(choice.delta.content)
            if choice.finish_reason:
                reasons.append(choice.finish_reason)
    assert roles[0] == "assistant"
    assert len(pieces) > 3, "the answer must arrive token by token"
    assert "".join(pieces) == whole.choices[0].message.content
    assert reasons == [whole.choices[0].finish_reason]
    assert usage is not None and usage.completion_tokens == whole.usage.completion_tokens  # type: ignore[union-attr]


def test_stop_sequence_cuts_the_answer(client: openai.OpenAI, engine: InferenceController,
                                      hello: ChatCompletion) -> None:
    params = {"model": model_name(engine), "messages": HELLO, **GREEDY}
    full = hello.choices[0].message.content or ""
    words = full.split()
    assert len(words) >= 3, f"the greedy answer is too short to test stop sequences: {full!r}"
    stop = words[2]
    expected = full[: full.index(stop)]  # the engine stops at the first place the text appears
    cut = client.chat.completions.create(stop=[stop, "\u00a7never\u00a7"], **params).choices[0]
    assert cut.message.content == expected
    assert cut.finish_reason == "stop"
    streamed = client.chat.completions.create(stop=stop, stream=True, **params)
    text = "".join(c.choices[0].delta.content or "" for c in streamed if c.choices)
    assert text == expected


def test_seed_repeats_a_sampled_answer(client: openai.OpenAI, engine: InferenceController) -> None:
    params = {"model": model_name(engine), "messages": [{"role": "user", "content": "Invent a name for a cat."}],
              "temperature": 1.0, "top_p": 0.9, "max_tokens": 8, "seed": 1234}
    first = client.chat.completions.create(**params).choices[0].message.content
    second = client.chat.completions.create(**params).choices[0].message.content
    assert first and first == second


def test_max_tokens_limits_the_answer(client: openai.OpenAI, engine: InferenceController) -> None:
    reply = client.chat.completions.create(
        model=model_name(engine), max_tokens=3, temperature=0.0,
        messages=[{"role": "user", "content": "Count from one to fifty in words."}])
    assert reply.usage is not None and reply.usage.completion_tokens == 3
    assert reply.choices[0].finish_reason == "length"


def test_text_completion_streams_and_counts(client: openai.OpenAI, engine: InferenceController) -> None:
    whole = client.completions.create(model=model_name(engine), prompt="Name a colour.", max_tokens=6,
                                      temperature=0.0, seed=1)
    assert whole.object == "text_completion"
    assert whole.choices[0].text.strip()
    assert whole.usage is not None and whole.usage.completion_tokens > 0
    streamed = client.completions.create(model=model_name(engine), prompt="Name a colour.", max_tokens=6,
                                         temperature=0.0, seed=1, stream=True)
    assert "".join(c.choices[0].text for c in streamed if c.choices) == whole.choices[0].text


def test_wrong_or_missing_key_is_401(api: Running, engine: InferenceController) -> None:
    with api.client(api_key="not-the-key") as wrong, pytest.raises(openai.AuthenticationError) as caught:
        wrong.chat.completions.create(model=model_name(engine), messages=HELLO)
    assert caught.value.status_code == 401
    assert caught.value.code == "invalid_api_key"
    response = httpx2.get(f"{api.url}/models")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "missing_api_key"
    assert response.headers["www-authenticate"] == "Bearer"


def test_malformed_json_is_400(api: Running) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
    response = httpx2.post(f"{api.url}/chat/completions", content=b'{"model": "x", "messages": [', headers=headers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "invalid_json"
    assert "not valid JSON" in error["message"]


@pytest.mark.parametrize(("changes", "param"), [
    ({"temperature": 5}, "temperature"),
    ({"max_tokens": 0}, "max_tokens"),
    ({"messages": []}, "messages"),
    ({"messages": [{"role": "wizard", "content": "hi"}]}, "messages[0].role"),
    ({"stop": 42}, "stop"),
    ({"n": 3}, "n"),
])
def test_bad_parameters_are_400_naming_the_parameter(client: openai.OpenAI, engine: InferenceController,
                                                     changes: dict[str, object], param: str) -> None:
    params: dict[str, object] = {"model": model_name(engine), "messages": HELLO} | changes
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(**params)  # type: ignore[call-overload]
    assert caught.value.param == param


def test_prompt_too_large_for_the_context_is_400_and_the_server_goes_on(
        client: openai.OpenAI, engine: InferenceController, api: Running) -> None:
    huge = [{"role": "user", "content": "word " * 5000}]
    for stream in (False, True):
        with pytest.raises(openai.BadRequestError) as caught:
            client.chat.completions.create(model=model_name(engine), messages=huge, max_tokens=8, stream=stream)
        assert caught.value.code == "context_length_exceeded"
        assert "too long for this model's context window" in caught.value.message
        record = api.records[-1]
        assert record.status == 400 and "too long" in record.error
        assert record.messages[0].content.startswith("word word")  # the window can show what was asked
    after = client.chat.completions.create(model=model_name(engine), messages=HELLO, **SHORT)
    assert after.choices[0].message.content


def test_unknown_model_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-9-ultra", messages=HELLO)
    assert caught.value.code == "model_not_found"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-9-ultra")


def test_two_clients_at_once_both_get_their_answers(api: Running, engine: InferenceController) -> None:
    questions = ["What colour is the sky?", "What is two plus two?"]

    def ask(question: str, stream: bool) -> str:
        with api.client() as own:
            params = {"model": model_name(engine), "messages": [{"role": "user", "content": question}],
                      "temperature": 0.0, "seed": 5, "max_tokens": 6}
            if stream:
                return "".join(c.choices[0].delta.content or "" for c in
                               own.chat.completions.create(stream=True, **params) if c.choices)
            return own.chat.completions.create(**params).choices[0].message.content or ""

    alone = [ask(q, stream=False) for q in questions]
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(ask, questions, [True, False]))
    assert together == alone, "answers queued together must be the same as answers asked one by one"


def test_garbage_on_a_raw_socket_does_not_disturb_the_server(client: openai.OpenAI, api: Running,
                                                            engine: InferenceController) -> None:
    port = api.server.port
    idle = socket.create_connection(("127.0.0.1", port), timeout=10)  # connects and never speaks
    half = socket.create_connection(("127.0.0.1", port), timeout=10)
    half.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"mod")
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(os.urandom(4096) + b"\r\n\r\n")
            reply = raw.recv(4096)
        assert reply == b"" or reply.startswith(b"HTTP/1.1 400"), reply[:80]
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n" + b"X-Junk: " + b"A" * 200_000 + b"\r\n\r\n")
            reply = raw.recv(4096)
        assert reply == b"" or reply.startswith(b"HTTP/1.1 4"), reply[:80]
        answer = client.chat.completions.create(model=model_name(engine), messages=HELLO, **SHORT)
        assert answer.choices[0].message.content
    finally:
        idle.close()
        half.close()


def test_error_bodies_use_the_openai_shape_on_unknown_paths(api: Running) -> None:
    response = httpx2.get(f"{api.url}/engines", headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 404
    body = response.json()
    assert set(body["error"]) == {"message", "type", "param", "code"}
    response = httpx2.delete(f"{api.url}/chat/completions", headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 405
    assert json.loads(response.content)["error"]["type"] == "invalid_request_error"


def test_503_while_the_model_loads_then_answers(client: openai.OpenAI, engine: InferenceController) -> None:
    name = model_name(engine)
    assert engine.model is not None
    engine.load(starter_request())
    try:
        with pytest.raises(openai.InternalServerError) as caught:
            client.chat.completions.create(model=name, messages=HELLO, **SHORT)
        assert caught.value.status_code == 503
        assert caught.value.code == "model_loading"
        assert caught.value.response.headers["retry-after"]
        assert client.models.list().data == []
    finally:
        result = wait_for([engine.modelLoaded, engine.loadFailed], LOAD_TIMEOUT_MS)
    assert result is not None and result[0] == 0
    assert client.chat.completions.create(model=name, messages=HELLO, **SHORT).choices[0].message.content
