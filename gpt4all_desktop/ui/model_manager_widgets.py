"""Small widgets shared by the model manager tabs: the fit badge and a download row."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from gpt4all_desktop.core.downloads import DownloadSnapshot, DownloadState
from gpt4all_desktop.core.fit import FitEstimate, Verdict, format_bytes

# Explicit foreground and background so the badge reads well on light and dark themes alike.
_BADGE_STYLE = {
    Verdict.FITS: "color: #0b3d12; background: #c8e6c9;",
    Verdict.TIGHT: "color: #4a3000; background: #ffe0a3;",
    Verdict.WONT_FIT: "color: #5f0b0b; background: #f8c4c4;",
}


class FitBadge(QLabel):
    """"Fits" / "Tight" / "Won't fit", with the numbers behind it on hover."""

    def __init__(self, estimate: FitEstimate | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fitBadge")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict: Verdict | None = None
        self._estimate: FitEstimate | None = None
        self._recommended = False
        self.set_estimate(estimate)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.set_estimate(self._estimate, self._recommended)
        super().changeEvent(event)

    def set_estimate(self, estimate: FitEstimate | None, recommended: bool = False) -> None:
        self._estimate, self._recommended = estimate, recommended
        if estimate is None:
            self.verdict = None
            self.setText(self.tr("Unknown"))
            self.setToolTip(self.tr("The size of this file is not known yet."))
            self.setStyleSheet("")
            return
        self.verdict = estimate.verdict
        text = {Verdict.FITS: self.tr("Fits"), Verdict.TIGHT: self.tr("Tight"),
                Verdict.WONT_FIT: self.tr("Won't fit")}[estimate.verdict]
        if recommended:
            text = self.tr("★ Best: %1").replace("%1", text)
        self.setText(text)
        tooltip = self.tr(
            "Needs about %1: model %2 + context cache %3 at %4 tokens + %5 working memory.\nFree %6 now: %7."
        )
        for key, value in (("%1", format_bytes(estimate.required_bytes)), ("%2", format_bytes(estimate.weights_bytes)),
                           ("%3", format_bytes(estimate.kv_bytes)), ("%4", f"{estimate.context_length:,}"),
                           ("%5", format_bytes(estimate.overhead_bytes)), ("%6", estimate.memory_kind),
                           ("%7", format_bytes(estimate.available_bytes))):
            tooltip = tooltip.replace(key, value)
        self.setToolTip(tooltip)
        self.setAccessibleName(text)
        self.setAccessibleDescription(tooltip)
        self.setStyleSheet(f"QLabel#fitBadge {{ {_BADGE_STYLE[estimate.verdict]} border-radius: 4px; padding: 1px 6px; }}")


def format_duration(seconds: float | None) -> str:
    """A time left such as "2 min 05 s", in the current language."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "–"
    seconds = int(seconds)
    if seconds >= 3600:
        return (QCoreApplication.translate("DownloadRow", "%1 h %2 min")
                .replace("%1", str(seconds // 3600)).replace("%2", f"{seconds % 3600 // 60:02d}"))
    if seconds >= 60:
        return (QCoreApplication.translate("DownloadRow", "%1 min %2 s")
                .replace("%1", str(seconds // 60)).replace("%2", f"{seconds % 60:02d}"))
    return QCoreApplication.translate("DownloadRow", "%1 s").replace("%1", str(seconds))


class DownloadRow(QWidget):
    """One download: name, progress bar, status line, Pause / Resume / Cancel / Remove."""

    pauseRequested = Signal(str)
    resumeRequested = Signal(str)
    cancelRequested = Signal(str)
    removeRequested = Signal(str)

    def __init__(self, snapshot: DownloadSnapshot, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = snapshot.id
        self.setObjectName(f"downloadRow-{snapshot.id}")
        self.name = QLabel(f"<b>{snapshot.filename}</b> <span>— {snapshot.repo_id}</span>")
        self.name.setTextFormat(Qt.TextFormat.RichText)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pause_button = QPushButton()
        self.resume_button = QPushButton()
        self.cancel_button = QPushButton()
        self.remove_button = QPushButton()
        self.pause_button.clicked.connect(self._on_pause)
        self.resume_button.clicked.connect(self._on_resume)
        self.cancel_button.clicked.connect(self._on_cancel)
        self.remove_button.clicked.connect(self._on_remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.bar, 1)
        for button in (self.pause_button, self.resume_button, self.cancel_button, self.remove_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 8)
        layout.addWidget(self.name)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.snapshot = snapshot
        self.retranslateUi()

    def retranslateUi(self) -> None:
        """Set every text in the current language (again on every language switch)."""
        self.bar.setAccessibleName(self.tr("Download progress of %1").replace("%1", self.snapshot.filename))
        self.pause_button.setText(self.tr("Pause"))
        self.resume_button.setText(self.tr("Resume"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.remove_button.setText(self.tr("Remove from list"))
        for button, name in ((self.pause_button, self.tr("Pause download")),
                             (self.resume_button, self.tr("Resume download")),
                             (self.cancel_button, self.tr("Cancel download and delete the partial file")),
                             (self.remove_button, self.tr("Remove from the list"))):
            button.setAccessibleName(name)
        self.update_snapshot(self.snapshot)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslateUi()
        super().changeEvent(event)

    def update_snapshot(self, snapshot: DownloadSnapshot) -> None:
        self.snapshot = snapshot
        self.bar.setValue(int(snapshot.fraction * 1000))
        state = snapshot.state
        running = state in (DownloadState.DOWNLOADING, DownloadState.RETRYING, DownloadState.VERIFYING)
        self.pause_button.setVisible(running or state is DownloadState.QUEUED)
        self.resume_button.setVisible(snapshot.can_resume)
        self.cancel_button.setVisible(not state.finished or state is DownloadState.FAILED and snapshot.can_resume)
        self.remove_button.setVisible(state.finished)
        self.status.setText(self._status_text(snapshot))

    def _status_text(self, s: DownloadSnapshot) -> str:
        amounts = self.tr("%1 of %2").replace("%1", format_bytes(s.bytes_done)).replace("%2", format_bytes(s.total_bytes))
        if s.state is DownloadState.DOWNLOADING and s.speed_bps > 0:
            return (self.tr("%1 — %2/s — %3 left").replace("%1", amounts)
                    .replace("%2", format_bytes(s.speed_bps)).replace("%3", format_duration(s.eta_seconds)))
        labels = {
            DownloadState.QUEUED: self.tr("Waiting for a free download slot"),
            DownloadState.DOWNLOADING: self.tr("Downloading"),
            DownloadState.RETRYING: self.tr("Reconnecting"),
            DownloadState.PAUSED: self.tr("Paused"),
            DownloadState.VERIFYING: self.tr("Verifying"),
            DownloadState.COMPLETED: self.tr("Installed"),
            DownloadState.FAILED: self.tr("Failed"),
            DownloadState.CANCELLED: self.tr("Cancelled"),
        }
        text = f"{labels[s.state]} — {amounts}"
        return f"{text}\n{s.message}" if s.message else text

    @Slot()
    def _on_pause(self) -> None:
        self.pauseRequested.emit(self.job_id)

    @Slot()
    def _on_resume(self) -> None:
        self.resumeRequested.emit(self.job_id)

    @Slot()
    def _on_cancel(self) -> None:
        self.cancelRequested.emit(self.job_id)

    @Slot()
    def _on_remove(self) -> None:
        self.removeRequested.emit(self.job_id)
