"""Failures a real server cannot be made to produce on demand, from a fake one on loopback."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import shutil
import ssl
import subprocess
import threading
from pathlib import Path
from typing import Iterator

import pytest

from gpt4all_desktop.core.messages import ChatMessage, GenerateRequest, LoadRequest, SamplingParams
from gpt4all_desktop.core.remote_engine import (
    RemoteBadResponse,
    RemoteEndpoint,
    RemoteEngine,
    RemoteModelGone,
    RemoteRateLimited,
    RemoteServerError,
    RemoteStreamCut,
    RemoteTimeout,
    RemoteTLSError,
    normalize_base_url,
    remote_model_path,
)
from gpt4all_desktop.workers.inference_worker import InferenceController
from tests.remote.fake_openai import FakeOpenAI, Reply, answer_events, chunk, json_reply

HELLO = GenerateRequest((ChatMessage("user", "Hello"),), SamplingParams(max_tokens=50, seed=7, stop=("###",)))


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def engine(fake: FakeOpenAI, model: str = "fake-7b", **endpoint: object) -> RemoteEngine:
    e = RemoteEngine("fk", RemoteEndpoint(fake.base_url, **endpoint))  # type: ignore[arg-type]
    e.load(LoadRequest(remote_model_path("fk", model)))
    return e


def test_streams_and_sends_an_openai_request(fake: FakeOpenAI) -> None:
    e = engine(fake, api_key="sk-abc")
    pieces: list[str] = []
    stats = e.generate(HELLO, pieces.append)
    assert "".join(pieces) == "Hello, world!"
    assert stats.generated_tokens == 4 and stats.stop_reason == "eos"
    method, path, headers, body = fake.requests[-1]
    assert (method, path) == ("POST", "/v1/chat/completions")
    assert headers["Authorization"] == "Bearer sk-abc"
    assert body["model"] == "fake-7b" and body["stream"] is True
    assert body["messages"] == [{"role": "user", "content": "Hello"}]
    assert body["seed"] == 7 and body["stop"] == ["###"] and body["max_tokens"] == 50
    assert "top_k" not in body, "hosted APIs reject non-standard sampling fields"


def test_model_list_gives_context_and_names(fake: FakeOpenAI) -> None:
    e = RemoteEngine("fk", RemoteEndpoint(fake.base_url))
    models = e.list_models()
    assert [(m.id, m.context_length, m.display_name) for m in models] == [
        ("fake-7b", 8192, "fake-7b"), ("org/fake-70b", 0, "org/fake-70b")]
    info = e.load(LoadRequest(remote_model_path("fk", "org/fake-70b"), context_length=2048))
    assert info.context_length == 2048 and info.name == "org/fake-70b"
    assert e.load(LoadRequest(remote_model_path("fk", "fake-7b"))).context_length == 8192


def test_a_stream_that_ends_with_the_connection(fake: FakeOpenAI) -> None:
    fake.routes["/v1/chat/completions"] = Reply(events=answer_events(["no", " chunking"]), chunked=False)
    pieces: list[str] = []
    engine(fake).generate(HELLO, pieces.append)
    assert "".join(pieces) == "no chunking"
    fake.routes["/v1/chat/completions"] = Reply(events=answer_events(["cut", " here", " x"]), chunked=False,
                                                cut_after=3)
    with pytest.raises(RemoteStreamCut) as err:
        engine(fake).generate(HELLO, lambda _t: None)
    assert err.value.partial_text == "cut here"


def test_usage_and_length_finish_are_reported(fake: FakeOpenAI) -> None:
    usage = '{"choices": [], "usage": {"prompt_tokens": 21, "completion_tokens": 9}}'
    fake.routes["/v1/chat/completions"] = Reply(events=answer_events(["a", "b"], finish="length") + [usage])
    stats = engine(fake).generate(HELLO, lambda _t: None)
    assert (stats.prompt_tokens, stats.generated_tokens, stats.stop_reason) == (21, 9, "max_tokens")


def test_a_server_that_ignores_streaming_still_answers(fake: FakeOpenAI) -> None:
    fake.routes["/v1/chat/completions"] = json_reply(
        {"choices": [{"index": 0, "message": {"role": "assistant", "content": "Whole reply"}, "finish_reason": "stop"}]})
    pieces: list[str] = []
    engine(fake).generate(HELLO, pieces.append)
    assert pieces == ["Whole reply"]


def test_429_says_when_to_retry(fake: FakeOpenAI) -> None:
    e = engine(fake)
    fake.routes["/v1/chat/completions"] = json_reply({"error": {"message": "Rate limit reached"}}, 429,
                                                     {"Retry-After": "17"})
    with pytest.raises(RemoteRateLimited) as err:
        e.generate(HELLO, lambda _t: None)
    assert err.value.retry_after == 17
    assert "in 17 seconds" in str(err.value) and "Rate limit reached" in str(err.value)


def test_429_with_an_http_date(fake: FakeOpenAI) -> None:
    when = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=120)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    fake.routes["/v1/models"] = json_reply({}, 429, {"Retry-After": when})
    with pytest.raises(RemoteRateLimited) as err:
        RemoteEngine("fk", RemoteEndpoint(fake.base_url)).list_models()
    assert err.value.retry_after is not None and 60 < err.value.retry_after <= 121


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_a_server_problem(fake: FakeOpenAI, status: int) -> None:
    e = engine(fake)
    fake.routes["/v1/chat/completions"] = json_reply({"detail": "CUDA out of memory"}, status)
    with pytest.raises(RemoteServerError) as err:
        e.generate(HELLO, lambda _t: None)
    assert err.value.status == status
    assert f"({status} " in str(err.value) and "CUDA out of memory" in str(err.value)


def test_404_model_gone_when_loading_and_when_answering(fake: FakeOpenAI) -> None:
    with pytest.raises(RemoteModelGone, match="'old-model' is not available") as err:
        engine(fake, model="old-model")
    assert "fake-7b" in str(err.value), "the message names what the server does offer"
    e = engine(fake)
    fake.routes["/v1/chat/completions"] = json_reply({"error": {"message": "The model `fake-7b` does not exist."}}, 404)
    with pytest.raises(RemoteModelGone, match="'fake-7b' is not available"):
        e.generate(HELLO, lambda _t: None)


def test_wrong_base_path_is_explained(fake: FakeOpenAI) -> None:
    with pytest.raises(RemoteModelGone, match="/v1"):
        RemoteEngine("fk", RemoteEndpoint(fake.base_url.removesuffix("/v1") + "/api")).list_models()


def test_a_key_echoed_by_the_server_is_masked(fake: FakeOpenAI) -> None:
    fake.routes["/v1/models"] = json_reply({"error": {"message": "key sk-secret-999 is revoked"}}, 401)
    with pytest.raises(Exception) as err:
        RemoteEngine("fk", RemoteEndpoint(fake.base_url, api_key="sk-secret-999")).list_models()
    assert "sk-secret-999" not in str(err.value) and "***" in str(err.value)


def test_malformed_json_in_the_stream_keeps_the_partial_text(fake: FakeOpenAI) -> None:
    e = engine(fake)
    fake.routes["/v1/chat/completions"] = Reply(events=[chunk("Par"), chunk("tial"), "{not json"])
    pieces: list[str] = []
    with pytest.raises(RemoteBadResponse, match="not valid JSON") as err:
        e.generate(HELLO, pieces.append)
    assert err.value.partial_text == "Partial" == "".join(pieces)


def test_malformed_model_list(fake: FakeOpenAI) -> None:
    fake.routes["/v1/models"] = Reply(body=b"<html>Welcome to nginx</html>", headers={"Content-Type": "text/html"})
    with pytest.raises(RemoteBadResponse, match="not JSON"):
        RemoteEngine("fk", RemoteEndpoint(fake.base_url)).list_models()


def test_stream_cut_mid_answer_keeps_the_partial_text(fake: FakeOpenAI) -> None:
    e = engine(fake)
    fake.routes["/v1/chat/completions"] = Reply(events=answer_events(["One", " two", " three", " four"]), cut_after=3)
    pieces: list[str] = []
    with pytest.raises(RemoteStreamCut, match="partial answer is kept") as err:
        e.generate(HELLO, pieces.append)
    assert err.value.partial_text == "One two" == "".join(pieces)


def test_an_error_event_inside_the_stream(fake: FakeOpenAI) -> None:
    e = engine(fake)
    fake.routes["/v1/chat/completions"] = Reply(events=[chunk("Hi"), '{"error": {"message": "context overflow"}}'])
    with pytest.raises(RemoteServerError, match="context overflow") as err:
        e.generate(HELLO, lambda _t: None)
    assert err.value.partial_text == "Hi"


def test_no_first_token_in_time(fake: FakeOpenAI) -> None:
    e = engine(fake, first_token_timeout=0.3)
    fake.routes["/v1/chat/completions"] = Reply(events=answer_events(["late"]), stall_after=0)
    with pytest.raises(RemoteTimeout, match="sent no answer within"):
        e.generate(HELLO, lambda _t: None)


def test_silence_between_tokens(fake: FakeOpenAI) -> None:
    e = engine(fake, chunk_timeout=0.3)
    fake.routes["/v1/chat/completions"] = Reply(events=answer_events(["first", " second"]), stall_after=2)
    with pytest.raises(RemoteTimeout, match="stopped sending") as err:
        e.generate(HELLO, lambda _t: None)
    assert err.value.partial_text == "first"


def test_hidden_reasoning_counts_as_progress_but_not_as_answer(fake: FakeOpenAI) -> None:
    thinking = [json.dumps({"choices": [{"index": 0, "delta": {"reasoning_content": "hmm"}, "finish_reason": None}]})]
    e = engine(fake, first_token_timeout=0.3, chunk_timeout=0.3)
    fake.routes["/v1/chat/completions"] = Reply(events=thinking + answer_events(["late"]), stall_after=1)
    with pytest.raises(RemoteTimeout, match="stopped sending") as err:
        e.generate(HELLO, lambda _t: None)
    assert err.value.partial_text == ""


def test_cancel_wakes_a_stalled_stream(fake: FakeOpenAI) -> None:
    e = engine(fake)
    fake.routes["/v1/chat/completions"] = Reply(events=answer_events(["first", " second"]), stall_after=2)
    first = threading.Event()
    stopper = threading.Thread(target=lambda: fake.stalled.wait(10) and first.wait(10) and e.cancel(5))
    stopper.start()
    try:
        stats = e.generate(HELLO, lambda _t: first.set(), request_id=5)
    finally:
        stopper.join(10)
    assert stats.stop_reason == "cancelled" and stats.generated_tokens == 1


def test_cut_answer_through_the_inference_controller(qtbot, fake: FakeOpenAI, tmp_path: Path) -> None:
    fake.routes["/v1/chat/completions"] = Reply(events=answer_events(["Kept", " text", " lost"]), cut_after=3)
    controller = InferenceController(tmp_path / "engine.log", idle_timeout=60)
    try:
        controller.worker.register_remote("fk", RemoteEngine("fk", RemoteEndpoint(fake.base_url)))
        with qtbot.waitSignal(controller.modelLoaded, timeout=10000):
            controller.load(LoadRequest(remote_model_path("fk", "fake-7b")))
        received: list[str] = []
        controller.tokens.connect(received.append)
        with qtbot.waitSignal(controller.generationFailed, timeout=10000) as failed:
            controller.generate(HELLO)
        assert "".join(received) == "Kept text", "the partial answer reaches the view before the failure"
        assert "partial answer is kept" in failed.args[0]
        assert controller.model is not None, "a cut stream does not unload the model"
    finally:
        controller.shutdown()
    assert controller._thread.isFinished()


def test_unknown_engine_id_is_reported(qtbot, tmp_path: Path) -> None:
    controller = InferenceController(tmp_path / "engine.log", idle_timeout=60)
    try:
        with qtbot.waitSignal(controller.loadFailed, timeout=10000) as failed:
            controller.load(LoadRequest(remote_model_path("nope", "m")))
        assert "not configured" in failed.args[0]
    finally:
        controller.shutdown()


# ------------------------------------------------------------------------ TLS
def _self_signed(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "server.pem", tmp / "server.key"
    try:
        from cryptography import x509  # noqa: PLC0415
        from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
        from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
        from cryptography.x509.oid import NameOID  # noqa: PLC0415
    except ImportError:
        if not shutil.which("openssl"):
            pytest.skip("neither the cryptography package nor openssl is available to make a certificate")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        return cert, key
    pkey = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(pkey.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
                   .not_valid_after(now + dt.timedelta(days=2))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(pkey, hashes.SHA256()))
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(pkey.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return cert, key


def test_self_signed_certificate_is_refused_unless_trusted(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    with FakeOpenAI(tls=ctx) as fake:
        with pytest.raises(RemoteTLSError, match="could not be verified") as err:
            RemoteEngine("tls", RemoteEndpoint(fake.base_url)).list_models()
        assert "Trust certificate" in str(err.value)
        trusted = RemoteEngine("tls", RemoteEndpoint(fake.base_url, trusted_cert=str(cert)))
        assert [m.id for m in trusted.list_models()] == ["fake-7b", "org/fake-70b"]
        trusted.load(LoadRequest(remote_model_path("tls", "fake-7b")))
        pieces: list[str] = []
        trusted.generate(HELLO, pieces.append)
        assert "".join(pieces) == "Hello, world!"


def test_a_trusted_certificate_file_that_is_not_a_certificate(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-cert.pem"
    bogus.write_text("hello")
    with pytest.raises(RemoteTLSError, match="cannot be used"):
        RemoteEngine("tls", RemoteEndpoint("https://127.0.0.1:9/v1", trusted_cert=str(bogus))).list_models()


def test_plain_http_to_a_tls_port_is_explained(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    with FakeOpenAI(tls=ctx) as fake:
        with pytest.raises(RemoteBadResponse, match="http:// or https://"):
            RemoteEngine("x", RemoteEndpoint(fake.base_url.replace("https://", "http://"))).list_models()


def test_https_to_a_plain_http_port_is_explained(fake: FakeOpenAI) -> None:
    with pytest.raises(RemoteTLSError, match="http:// or https://"):
        RemoteEngine("x", RemoteEndpoint(fake.base_url.replace("http://", "https://"))).list_models()


@pytest.mark.parametrize(("typed", "expected"), [
    ("http://box:8080", "http://box:8080/v1"),
    ("box:8080/", "http://box:8080/v1"),
    ("HTTPS://api.example.com/v1/", "https://api.example.com/v1"),
    ("https://example.com/openai/v1", "https://example.com/openai/v1"),
])
def test_base_url_normalisation(typed: str, expected: str) -> None:
    assert normalize_base_url(typed) == expected


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Enter the server's address"), ("ftp://box", "http:// or https://"), ("http://box:99999", "port"),
    ("http://box/v1?x=1", "?"), ("https://user:sk-1@box/v1", "API key field"),
])
def test_bad_base_urls_get_a_clear_message(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("?", r"\?")):
        normalize_base_url(typed)
