"""The declarative schema: validation messages, scopes and chat template checks."""

from __future__ import annotations

import pytest

from gpt4all_desktop.core.settings_schema import (
    SCHEMA,
    Choice,
    Field,
    FieldType,
    Scope,
    SettingValueError,
    _validate_chat_template_locally,
    translatable_texts,
    validate_chat_template,
)

APPLICATION_SETTINGS = {
    "theme", "font_size", "language", "default_model", "models_folder", "threads", "device",
    "context_length", "reload_last_chat", "huggingface_token",
}
MODEL_AND_CHAT_SETTINGS = {
    "system_prompt", "chat_template", "temperature", "top_k", "top_p", "min_p", "repeat_penalty",
    "repeat_last_n", "max_tokens", "context_length", "gpu_layers", "seed",
}


def test_schema_declares_every_setting_with_a_title_and_description() -> None:
    assert APPLICATION_SETTINGS | MODEL_AND_CHAT_SETTINGS <= set(SCHEMA.names())
    for item in SCHEMA:
        assert item.title and item.description.endswith("."), item.name


def test_choices_of_the_appearance_settings() -> None:
    assert SCHEMA["theme"].choice_values() == ("system", "light", "dark")
    assert SCHEMA["language"].choice_values() == ("system", "en", "ko")
    assert SCHEMA["device"].choice_values() == ("auto", "cpu", "gpu")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("temperature", 5, "Temperature must be between 0 and 2, not 5."),
        ("temperature", "hot", "Temperature must be a number, not 'hot'."),
        ("top_k", 2.5, "Top-K must be a whole number, not 2.5."),
        ("top_k", True, "Top-K must be a whole number, not True."),
        ("theme", "pink", "Theme must be one of system, light, dark, not 'pink'."),
        ("reload_last_chat", "yes", "Reopen last chat at start-up must be on or off (true or false), not 'yes'."),
        ("default_model", "a\nb", "Default model must be a single line."),
        ("context_length", 100, "Context length must be between 512 and 1048576, not 100."),
    ],
)
def test_invalid_values_are_rejected_with_a_human_message(name: str, value: object, expected: str) -> None:
    with pytest.raises(SettingValueError) as caught:
        SCHEMA[name].validate(value)
    assert str(caught.value) == expected
    assert caught.value.name == name


def test_valid_values_come_back_in_their_canonical_type() -> None:
    assert SCHEMA["temperature"].validate(1) == 1.0 and isinstance(SCHEMA["temperature"].validate(1), float)
    assert SCHEMA["top_k"].validate(10.0) == 10 and isinstance(SCHEMA["top_k"].validate(10.0), int)
    assert SCHEMA["seed"].validate(-1) == -1


def test_a_secret_value_never_appears_in_messages_or_logs() -> None:
    with pytest.raises(SettingValueError) as caught:
        SCHEMA["huggingface_token"].validate("hf_abc\nsecret")
    assert "hf_abc" not in str(caught.value)
    with pytest.raises(SettingValueError) as caught:
        SCHEMA["huggingface_token"].validate(12345)
    assert "12345" not in str(caught.value)
    assert SCHEMA.redacted({"huggingface_token": "hf_abc", "theme": "dark"}) == {
        "huggingface_token": "<hidden>",
        "theme": "dark",
    }


def test_scopes_are_layered() -> None:
    assert SCHEMA["theme"].scope is Scope.APPLICATION
    assert SCHEMA["context_length"].scope is Scope.MODEL
    assert SCHEMA["temperature"].scope is Scope.CHAT
    at_model = {item.name for item in SCHEMA.settable_at(Scope.MODEL)}
    at_chat = {item.name for item in SCHEMA.settable_at(Scope.CHAT)}
    assert "theme" not in at_model and "gpu_layers" in at_model and "temperature" in at_model
    assert "gpu_layers" not in at_chat and "system_prompt" in at_chat
    assert set(SCHEMA.needs_reload(["temperature", "context_length", "gpu_layers", "nope"])) == {
        "context_length",
        "gpu_layers",
    }


def test_a_schema_copy_with_an_extra_field_leaves_the_original_alone() -> None:
    extra = Field("beam", FieldType.INT, 1, "Beams", "Number of beams.", Scope.CHAT, minimum=1, maximum=8)
    copy = SCHEMA.with_field(extra)
    assert "beam" in copy and "beam" not in SCHEMA
    gpus = SCHEMA.with_choices("device", [Choice("auto", "Auto"), Choice("cuda:0", "RTX 4090")])
    assert gpus["device"].validate("cuda:0") == "cuda:0"
    with pytest.raises(SettingValueError):
        SCHEMA["device"].validate("cuda:0")


def test_a_field_with_an_invalid_default_is_a_programming_error() -> None:
    bad = Field("bad", FieldType.INT, 99, "Bad", "Bad.", minimum=0, maximum=10)
    with pytest.raises(SettingValueError):
        SCHEMA.with_field(bad)


def test_translatable_texts_cover_titles_descriptions_and_choice_labels() -> None:
    texts = translatable_texts()
    assert {"Theme", "Dark", "Korean", "Auto", "Random"} <= set(texts)
    assert SCHEMA["temperature"].description in texts


@pytest.fixture(params=["engine", "local"])
def check_template(request: pytest.FixtureRequest):
    """Both the engine's template check and the fallback used without it."""
    return validate_chat_template if request.param == "engine" else _validate_chat_template_locally


def test_chat_template_syntax_error_names_the_line(check_template) -> None:
    source = "{% for m in messages %}\n{{ m['content'] }}\n{% endfor\n"
    problem = check_template(source)
    assert problem is not None and "syntax error on line 3" in problem
    with pytest.raises(SettingValueError) as caught:
        SCHEMA["chat_template"].validate("{{ messages[0]['content'] }\n")
    assert "line 1" in str(caught.value)


def test_chat_template_that_fails_on_a_chat_is_reported(check_template) -> None:
    problem = check_template("{{ raise_exception('Only user and assistant roles') }}")
    assert problem is not None and "Only user and assistant roles" in problem


def test_chat_template_runs_in_a_sandbox(check_template) -> None:
    problem = check_template("{{ messages.__class__.__mro__ }}")
    assert problem is not None and "unsafe" in problem.lower()


def test_a_working_chat_template_and_the_empty_template_are_accepted(check_template) -> None:
    chatml = (
        "{% for message in messages %}{% if loop.index > 8 %}{% break %}{% endif %}"
        "<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    assert check_template(chatml) is None
    assert validate_chat_template("") is None and validate_chat_template("  \n") is None
    assert SCHEMA["chat_template"].validate(chatml) == chatml
