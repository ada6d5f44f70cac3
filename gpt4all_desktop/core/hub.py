"""Hugging Face Hub access: search GGUF repos, list their files, resolve a file for download.

huggingface_hub's :class:`HfApi` speaks the Hub's API (search, trees with LFS SHA-256, file
metadata, URLs, tokens). The transfer itself is ours (see :mod:`downloads`). This wrapper adds
what a desktop app needs on top: ``HF_ENDPOINT`` honoured at call time (tests and mirrors), a
fast offline check (huggingface_hub retries connection errors for ~20 s, far too long to make
someone stare at a spinner), errors turned into messages a person can act on, and a token
store that follows the platform's conventions and never logs the token.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Literal

import httpx2
from huggingface_hub import HfApi, get_hf_file_metadata, hf_hub_url
from huggingface_hub import errors as hf_errors

from gpt4all_desktop.core.gguf_info import quantization_from_filename
from gpt4all_desktop.core.paths import AppPaths

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
TOKEN_SETTINGS_URL = "https://huggingface.co/settings/tokens"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SPLIT = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)
SortKey = Literal["downloads", "recent"]


class HubError(Exception):
    """A Hub request failed; ``str()`` is a message for the user."""


class HubOffline(HubError):
    """The Hub cannot be reached: no network, DNS failure, proxy, or offline mode."""


class HubAuthRequired(HubError):
    """401/403: the repo is gated or private and needs a (different) token."""


class HubNotFound(HubError):
    """The repo or file does not exist (or was renamed)."""


def auth_help(repo_id: str) -> str:
    """How to get access to a gated or private repo, in plain words."""
    return (
        f"Hugging Face refused access to {repo_id}: it is gated or private. "
        f"Open https://huggingface.co/{repo_id} in a browser, sign in and accept its terms, then create "
        f"a read token at {TOKEN_SETTINGS_URL} and paste it under Model manager > Hugging Face token."
    )


def current_endpoint() -> str:
    """The Hub base URL, read now (huggingface_hub reads ``HF_ENDPOINT`` only once, at import)."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def offline_mode() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class HubRepo:
    """A search result: one GGUF repo."""

    repo_id: str
    downloads: int
    likes: int
    last_modified: datetime | None
    gated: bool
    parameter_count: int | None
    architecture: str | None
    context_length: int | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class HubFile:
    """One GGUF file of a repo, as the tree listing gives it (no download needed)."""

    repo_id: str
    path: str
    size: int
    sha256: str | None
    quantization: str | None
    split_part: tuple[int, int] | None  # (part, of) for files split into pieces

    @property
    def is_projector(self) -> bool:
        """Vision projector files are not chat models on their own."""
        return "mmproj" in self.path.lower()

    @property
    def downloadable(self) -> bool:
        return self.split_part is None and not self.is_projector


@dataclass(frozen=True)
class RemoteFile:
    """Everything the downloader needs, pinned to one commit so the file cannot change mid-way."""

    repo_id: str
    filename: str
    revision: str
    url: str
    size: int
    sha256: str | None
    commit: str | None


class TokenStore:
    """The user's Hugging Face token.

    Stored in the system keyring when the ``keyring`` package is available (Keychain, Windows
    Credential Manager, Secret Service); otherwise in a file in the app's config folder readable
    only by the user, the same convention as huggingface_hub's own token file. ``HF_TOKEN`` and a
    token saved by ``hf auth login`` are used when the app has none of its own.
    """

    SERVICE = "gpt4all-desktop"
    ACCOUNT = "huggingface-token"

    def __init__(self, paths: AppPaths | None = None, *, use_keyring: bool = True) -> None:
        self._file = (paths or AppPaths.default()).config_dir / "hf_token"
        self._keyring = _keyring() if use_keyring else None

    def __repr__(self) -> str:  # never show the token in logs or tracebacks
        return f"TokenStore(has_token={self.get() is not None})"

    def get(self) -> str | None:
        token = self._stored()
        if token:
            return token
        env = os.environ.get("HF_TOKEN", "").strip()
        if env:
            return env
        try:
            from huggingface_hub import get_token

            return get_token()
        except Exception:  # a broken HF config must not break the app
            log.debug("No token from huggingface_hub's own store")
            return None

    def has_own_token(self) -> bool:
        return self._stored() is not None

    def set(self, token: str) -> None:
        token = token.strip()
        if not token:
            self.clear()
            return
        if self._keyring is not None:
            try:
                self._keyring.set_password(self.SERVICE, self.ACCOUNT, token)
                self._file.unlink(missing_ok=True)
                log.info("Hugging Face token saved in the system keyring")
                return
            except Exception as exc:
                log.warning("System keyring unavailable (%s); saving the token to a private file", type(exc).__name__)
        self._file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token)
        os.chmod(self._file, stat.S_IRUSR | stat.S_IWUSR)
        log.info("Hugging Face token saved to the app's private config file")

    def clear(self) -> None:
        if self._keyring is not None:
            try:
                self._keyring.delete_password(self.SERVICE, self.ACCOUNT)
            except Exception:
                pass
        self._file.unlink(missing_ok=True)

    def _stored(self) -> str | None:
        if self._keyring is not None:
            try:
                token = self._keyring.get_password(self.SERVICE, self.ACCOUNT)
                if token:
                    return token
            except Exception:
                pass
        try:
            token = self._file.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return token or None


def _keyring() -> Any:
    try:
        import keyring  # type: ignore[import-not-found]
    except ImportError:
        return None
    return keyring


class HubClient:
    """Search, list and resolve GGUF files. Every call is blocking: run it off the GUI thread."""

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        token_provider: Callable[[], str | None] | None = None,
        timeout: float = 10.0,
        probe_timeout: float = 4.0,
    ) -> None:
        self._endpoint = endpoint.rstrip("/") if endpoint else None
        self._token_provider = token_provider or (lambda: None)
        self._timeout = timeout
        self._probe_timeout = probe_timeout
        self._online_until = 0.0

    @property
    def endpoint(self) -> str:
        return self._endpoint or current_endpoint()

    def _api(self) -> HfApi:
        return HfApi(endpoint=self.endpoint, token=self._token_provider() or False)

    def check_online(self) -> bool:
        """One quick request, no retries. Cached for a minute once it succeeds."""
        if offline_mode():
            return False
        if time.monotonic() < self._online_until:
            return True
        try:
            response = httpx2.get(f"{self.endpoint}/api/models", params={"limit": 1}, timeout=self._probe_timeout)
        except httpx2.HTTPError as exc:
            log.info("Hugging Face is unreachable: %s", type(exc).__name__)
            return False
        online = response.status_code < 500
        if online:
            self._online_until = time.monotonic() + 60
        return online

    def _require_online(self) -> None:
        if not self.check_online():
            raise HubOffline(
                "You are offline, or Hugging Face cannot be reached. The catalog and your installed models "
                "still work; searching and downloading will work again once you are back online."
            )

    def search(self, query: str, *, sort: SortKey = "downloads", limit: int = 30) -> list[HubRepo]:
        """GGUF repos matching ``query``, most downloaded or most recently updated first."""
        self._require_online()
        hub_sort = "downloads" if sort == "downloads" else "last_modified"
        with _hub_errors(query):
            models = self._api().list_models(
                search=query.strip() or None,
                filter="gguf",
                sort=hub_sort,
                limit=limit,
                expand=["downloads", "likes", "lastModified", "gated", "gguf", "tags"],
            )
            return [_repo(model) for model in models]

    def list_gguf_files(self, repo_id: str, revision: str = "main") -> list[HubFile]:
        """The repo's GGUF files with size, SHA-256 and the quantization named in the file name."""
        self._require_online()
        with _hub_errors(repo_id):
            entries = self._api().list_repo_tree(repo_id, recursive=True, revision=revision)
            files = []
            for entry in entries:
                path = getattr(entry, "path", "")
                if not path.lower().endswith(".gguf") or not hasattr(entry, "size"):
                    continue
                lfs = getattr(entry, "lfs", None)
                split = _SPLIT.search(path)
                files.append(
                    HubFile(
                        repo_id=repo_id,
                        path=path,
                        size=int(lfs.size if lfs else entry.size),
                        sha256=(lfs.sha256 if lfs else None),
                        quantization=quantization_from_filename(path),
                        split_part=(int(split.group(1)), int(split.group(2))) if split else None,
                    )
                )
        return sorted(files, key=lambda f: (f.split_part is not None, f.size))

    def resolve(self, repo_id: str, filename: str, revision: str = "main") -> RemoteFile:
        """File metadata (size, LFS SHA-256, commit) from the Hub, with a URL pinned to that commit."""
        self._require_online()
        url = hf_hub_url(repo_id, filename, revision=revision, endpoint=self.endpoint)
        with _hub_errors(repo_id, filename):
            meta = get_hf_file_metadata(url, token=self._token_provider() or False, timeout=self._timeout, endpoint=self.endpoint)
        etag = (meta.etag or "").lower()
        sha256 = etag if _SHA256.match(etag) else None
        if meta.size is None:
            raise HubError(f"Hugging Face did not say how large {filename} is; try again later.")
        commit = meta.commit_hash
        pinned = hf_hub_url(repo_id, filename, revision=commit, endpoint=self.endpoint) if commit else url
        return RemoteFile(repo_id, filename, commit or revision, pinned, int(meta.size), sha256, commit)


class _hub_errors:
    """Translate huggingface_hub / httpx2 exceptions into :class:`HubError` subclasses."""

    def __init__(self, repo_id: str, filename: str | None = None) -> None:
        self._what = f"{repo_id}/{filename}" if filename else repo_id
        self._repo_id = repo_id

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type | None, exc: BaseException | None, tb: object) -> bool:
        if exc is None or isinstance(exc, HubError):
            return False
        status = getattr(getattr(exc, "response", None), "status_code", None)
        if isinstance(exc, hf_errors.OfflineModeIsEnabled) or isinstance(exc, (httpx2.ConnectError, httpx2.ConnectTimeout)):
            raise HubOffline("Hugging Face cannot be reached right now. Check your connection and try again.") from exc
        if isinstance(exc, hf_errors.GatedRepoError) or status == 403:
            raise HubAuthRequired(auth_help(self._repo_id)) from exc
        if isinstance(exc, hf_errors.RepositoryNotFoundError):  # the Hub answers 401 for private repos too
            raise HubNotFound(
                f"{self._repo_id} was not found on Hugging Face. If it is a private repo, add a Hugging Face "
                f"token (create one at {TOKEN_SETTINGS_URL}) under Model manager > Hugging Face token."
            ) from exc
        if status == 401:
            raise HubAuthRequired(auth_help(self._repo_id)) from exc
        if isinstance(exc, (hf_errors.RemoteEntryNotFoundError, hf_errors.RevisionNotFoundError)) or status == 404:
            raise HubNotFound(f"{self._what} was not found on Hugging Face (renamed or removed?).") from exc
        if status == 429:
            raise HubError("Hugging Face is limiting requests right now (too many requests). Wait a minute and try again.") from exc
        if status is not None and status >= 500:
            raise HubError(f"Hugging Face is having trouble (HTTP {status}). Try again in a few minutes.") from exc
        if isinstance(exc, httpx2.HTTPError):
            raise HubOffline(f"The connection to Hugging Face failed ({type(exc).__name__}). Try again.") from exc
        if isinstance(exc, (hf_errors.HfHubHTTPError, ValueError, KeyError)):
            log.warning("Unexpected answer from Hugging Face for %s: %s", self._what, exc)
            raise HubError(f"Hugging Face gave an unexpected answer for {self._what}.") from exc
        return False


def _repo(model: Any) -> HubRepo:
    gguf = model.gguf if isinstance(getattr(model, "gguf", None), dict) else {}
    total = gguf.get("total")
    return HubRepo(
        repo_id=model.id,
        downloads=int(model.downloads or 0),
        likes=int(model.likes or 0),
        last_modified=model.last_modified,
        gated=bool(model.gated),
        parameter_count=int(total) if isinstance(total, (int, float)) else None,
        architecture=gguf.get("architecture") if isinstance(gguf.get("architecture"), str) else None,
        context_length=gguf.get("context_length") if isinstance(gguf.get("context_length"), int) else None,
        tags=tuple(model.tags or ()),
    )

