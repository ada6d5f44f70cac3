"""Stream text out while holding back anything that might be the start of a stop string.

Without this, a stop string split over two tokens (``"\\n###"`` then ``" User:"``) would be
shown to the user before the engine noticed it.
"""

from __future__ import annotations


class StopMatcher:
    def __init__(self, stops: tuple[str, ...]) -> None:
        self.stops = tuple(s for s in stops if s)
        self._held = ""
        self.hit: str | None = None

    def feed(self, text: str) -> str:
        """Add generated text; return the part that is safe to show now."""
        if not self.stops:
            return text
        self._held += text
        earliest = -1
        for stop in self.stops:
            pos = self._held.find(stop)
            if pos != -1 and (earliest == -1 or pos < earliest):
                earliest, self.hit = pos, stop
        if earliest != -1:
            out, self._held = self._held[:earliest], ""
            return out
        keep = 0
        for stop in self.stops:
            for n in range(min(len(stop) - 1, len(self._held)), 0, -1):
                if self._held.endswith(stop[:n]):
                    keep = max(keep, n)
                    break
        out = self._held[: len(self._held) - keep]
        self._held = self._held[len(self._held) - keep:]
        return out

    def flush(self) -> str:
        """The held-back text, at the end of a generation that did not hit a stop string."""
        out, self._held = self._held, ""
        return out
