"""Where the API server listens, and the rule that guards the local network.

Kept free of the web framework's imports so the window and ``--serve`` can check settings
(and refuse a network-reachable server without a key) instantly.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

DEFAULT_PORT = 4891
LOOPBACK = "127.0.0.1"
ALL_INTERFACES = "0.0.0.0"


class ServerStartError(Exception):
    """The server could not start; ``str()`` is a sentence for the user."""


@dataclass(frozen=True)
class ServerConfig:
    """Where and how to listen. ``host`` empty: 127.0.0.1, or every interface when
    ``allow_network`` is set. ``port`` 0 picks a free port."""

    port: int = DEFAULT_PORT
    api_key: str = ""
    allow_network: bool = False
    host: str = ""

    def bind_host(self) -> str:
        return self.host or (ALL_INTERFACES if self.allow_network else LOOPBACK)

    def check(self) -> None:
        """Refuse a network-reachable server without a key, and impossible ports."""
        if not 0 <= self.port <= 65535:
            raise ServerStartError(f"The port must be between 1 and 65535 (got {self.port}).")
        host = self.bind_host()
        if not is_loopback(host) and not self.api_key.strip():
            raise ServerStartError("An API key is required to serve on the local network; "
                                   "set one, or keep the server on this computer only.")
        if self.host and not is_loopback(host) and not self.allow_network:
            raise ServerStartError(f"Listening on {host} opens the server to other computers; "
                                   "allow the local network first.")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
