"""Where the app keeps its files, in one place.

Every other module asks an :class:`AppPaths` for a location instead of calling platformdirs
itself, so tests (and portable installs) can redirect the whole profile with one environment
variable, ``GPT4ALL_DESKTOP_HOME``, and never touch the real user profile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from gpt4all_desktop import APP_ID

HOME_ENV = "GPT4ALL_DESKTOP_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The folders the app writes to. Created on demand by :meth:`ensure`."""

    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def models_dir(self) -> Path:
        """Downloaded and imported models (the model manager fills it)."""
        return self.data_dir / "models"

    @property
    def downloads_dir(self) -> Path:
        """Partial downloads, kept across restarts so they can resume."""
        return self.data_dir / "downloads"

    @property
    def database_path(self) -> Path:
        """The chat history database."""
        return self.data_dir / "chats.sqlite3"

    @property
    def settings_path(self) -> Path:
        """The human-readable settings file."""
        return self.config_dir / "settings.json"

    @property
    def kv_cache_dir(self) -> Path:
        """Saved KV states of recent chats (size-capped, disposable)."""
        return self.cache_dir / "kv"

    @property
    def log_file(self) -> Path:
        return self.log_dir / f"{APP_ID}.log"

    def ensure(self) -> "AppPaths":
        for folder in (self.data_dir, self.config_dir, self.cache_dir, self.log_dir, self.models_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    @classmethod
    def under(cls, root: Path) -> "AppPaths":
        """A self-contained profile below one folder (tests, portable installs)."""
        root = Path(root)
        return cls(root / "data", root / "config", root / "cache", root / "logs")

    @classmethod
    def default(cls) -> "AppPaths":
        """The platform's conventional folders, unless ``GPT4ALL_DESKTOP_HOME`` redirects them."""
        override = os.environ.get(HOME_ENV)
        if override:
            return cls.under(Path(override))
        dirs = platformdirs.PlatformDirs(APP_ID, appauthor=False)
        return cls(
            Path(dirs.user_data_dir),
            Path(dirs.user_config_dir),
            Path(dirs.user_cache_dir),
            Path(dirs.user_log_dir),
        )
