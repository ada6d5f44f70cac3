"""Installed models: listing with header facts, bad files with reasons, import, delete, settings."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gpt4all_desktop.core.hub import RemoteFile
from gpt4all_desktop.core.installed_models import InstalledModels, ModelFileError, ModelInUse, ModelSettings
from gpt4all_desktop.core.paths import AppPaths
from tests.core.test_gguf_info import write_gguf
from tests.hf_server import starter_model_path


@pytest.fixture
def paths(isolated_profile: Path) -> AppPaths:
    return AppPaths.default().ensure()


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return write_gguf(folder / "tiny-Q4_K_M.gguf")


def test_lists_good_and_bad_models_with_reasons(paths: AppPaths, tiny: Path) -> None:
    shutil.copy(tiny, paths.models_dir / "good.gguf")
    (paths.models_dir / "junk.gguf").write_bytes(os.urandom(2048))
    (paths.models_dir / "cut.gguf").write_bytes(tiny.read_bytes()[:-100])
    (paths.models_dir / "notes.txt").write_text("not a model", encoding="utf-8")
    (paths.models_dir / ".good.gguf.incoming").write_bytes(b"half a copy")
    models = InstalledModels(paths).list()
    by_name = {m.name: m for m in models}
    assert set(by_name) == {"good.gguf", "junk.gguf", "cut.gguf"}
    assert by_name["good.gguf"].usable and by_name["good.gguf"].info.context_length == 4096  # type: ignore[union-attr]
    assert not by_name["junk.gguf"].usable and "not a GGUF" in (by_name["junk.gguf"].error or "")
    assert not by_name["cut.gguf"].usable and "incomplete" in (by_name["cut.gguf"].error or "")
    assert [m.name for m in InstalledModels(paths).usable()] == ["good.gguf"]


def test_import_copy_validates_then_copies(paths: AppPaths) -> None:
    models = InstalledModels(paths)
    model = models.import_file(starter_model_path(), mode="copy")
    assert model.usable and model.path.parent == paths.models_dir and not model.path.is_symlink()
    assert model.path.stat().st_size == starter_model_path().stat().st_size
    assert model.source == {"kind": "import", "original": str(starter_model_path().resolve()), "mode": "copy"}
    again = models.import_file(starter_model_path(), mode="copy")
    assert again.path.name == "SmolLM2-135M-Instruct.Q4_1 (2).gguf"  # never overwrites


def test_import_link(paths: AppPaths, tiny: Path) -> None:
    model = InstalledModels(paths).import_file(tiny, mode="link")
    assert model.usable and model.is_link and model.path.resolve() == tiny.resolve()
    tiny.unlink()  # the original goes away: the link is listed as broken, not dropped
    [broken] = InstalledModels(paths).list()
    assert not broken.usable and "moved or deleted" in (broken.error or "")


def test_import_refuses_bad_files_and_leaves_nothing(paths: AppPaths, tmp_path: Path) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(os.urandom(1000))
    with pytest.raises(ModelFileError, match="cannot be imported.*not a GGUF"):
        InstalledModels(paths).import_file(junk)
    text = tmp_path / "model.bin"
    text.write_bytes(b"GGUF")
    with pytest.raises(ModelFileError, match=r"\.gguf"):
        InstalledModels(paths).import_file(text)
    assert list(paths.models_dir.iterdir()) == []


def test_delete_refuses_while_loaded(paths: AppPaths, tiny: Path) -> None:
    loaded: set[Path] = set()
    models = InstalledModels(paths, is_loaded=lambda p: p in loaded)
    model = models.import_file(tiny)
    models.save_settings(model.path, ModelSettings(system_prompt="Be brief."))
    loaded.add(model.path)
    with pytest.raises(ModelInUse, match="loaded"):
        models.delete(model.path)
    assert model.path.exists()
    loaded.clear()
    models.delete(model.path)
    assert not model.path.exists() and models.list() == []
    assert models.settings(model.path) == ModelSettings()  # its settings went with it
    with pytest.raises(ModelFileError, match="not in the models folder"):
        models.delete(tiny)
    assert tiny.exists()


def test_per_model_settings_round_trip_and_validation(paths: AppPaths, tiny: Path) -> None:
    models = InstalledModels(paths)
    path = models.import_file(tiny).path
    assert models.settings(path) == ModelSettings()
    wanted = ModelSettings(system_prompt="한국어로 답하세요.", chat_template_override="{{ messages }}",
                           temperature=0.3, top_p=0.9, top_k=40, min_p=0.05, repeat_penalty=1.1,
                           context_length=8192, gpu_layers=-1)
    models.save_settings(path, wanted)
    assert InstalledModels(paths).settings(path) == wanted
    with pytest.raises(ValueError, match="temperature"):
        models.save_settings(path, ModelSettings(temperature=9.0))
    assert models.settings(path) == wanted
    meta = paths.config_dir / "models" / f"{path.name}.json"
    meta.write_text("{broken", encoding="utf-8")
    assert models.settings(path) == ModelSettings()  # unreadable settings fall back, never crash


def test_download_source_is_recorded(paths: AppPaths, tiny: Path) -> None:
    models = InstalledModels(paths)
    path = models.import_file(tiny).path
    models.record_download(path, RemoteFile("org/repo-GGUF", "tiny-Q4_K_M.gguf", "abc", "http://x", 1, "f" * 64, "abc"))
    assert models.inspect(path).source["repo_id"] == "org/repo-GGUF"  # type: ignore[index]
