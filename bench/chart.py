"""Draw bench/results.png with QPainter: one bar per figure, scaled to its target.

Each bar shows value / target (for "at least" figures, target / value), so every target sits on
the same line; green bars pass, red ones miss. The real values are written beside the bars.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

ORDER = ("decode_ratio", "followup_ttft_ratio", "restore_ttft_ratio", "gui_gap_p99_ms", "gui_gap_max_ms",
         "startup_ratio", "rss_overhead_mb", "long_chat_open_ratio")


def _fmt(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.0f}"


def draw(results: dict[str, Any], out: Path) -> Path:
    app = QGuiApplication.instance() or QGuiApplication(["chart"])  # noqa: F841 - fonts need an app
    width, row, top, left = 1000, 54, 90, 230
    names = [n for n in ORDER if n in results]
    height = top + row * len(names) + 70
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    title = QFont()
    title.setPointSize(15)
    title.setBold(True)
    p.setFont(title)
    p.setPen(QColor("#202124"))
    p.drawText(QRectF(20, 12, width - 40, 30), Qt.AlignmentFlag.AlignLeft, "GPT4All Desktop benchmarks")
    small = QFont()
    small.setPointSize(9)
    p.setFont(small)
    m = results.get("machine", {})
    p.drawText(QRectF(20, 44, width - 40, 20), Qt.AlignmentFlag.AlignLeft,
               f"{m.get('cores', '?')} cores · {m.get('cpu_model', '?')} · model {Path(str(results.get('model', '?'))).name}"
               f" · load average at start {m.get('load_average_1min_at_start', '?')}")
    scale_w = width - left - 220  # 0 .. 2x target
    target_x = left + scale_w / 2
    body = QFont()
    body.setPointSize(10)
    for i, name in enumerate(names):
        fig = results[name]
        y = top + i * row
        value, target = float(fig["value"]), float(fig["target"])
        at_least = fig.get("direction") == "min"
        if at_least:
            share = target / value if value > 0 else 2.0
        else:
            share = value / target if target else 2.0
        share = max(0.0, min(2.0, share))
        p.setFont(body)
        p.setPen(QColor("#202124"))
        p.drawText(QRectF(20, y, left - 30, row - 14), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, name)
        p.fillRect(QRectF(left, y + 8, scale_w, row - 30), QColor("#f1f3f4"))
        colour = QColor("#1e8e3e") if fig.get("pass") else QColor("#d93025")
        p.fillRect(QRectF(left, y + 8, scale_w * share / 2, row - 30), colour)
        sign = "≥" if at_least else "≤"
        p.drawText(QRectF(left + scale_w + 12, y, 210, row - 14), Qt.AlignmentFlag.AlignVCenter,
                   f"{_fmt(value)} {fig.get('unit', '')}  (target {sign} {_fmt(target)})")
    p.setPen(QPen(QColor("#5f6368"), 1.5, Qt.PenStyle.DashLine))
    p.drawLine(int(target_x), top - 6, int(target_x), top + row * len(names) - 16)
    p.setFont(small)
    p.setPen(QColor("#5f6368"))
    p.drawText(QRectF(target_x - 60, top - 26, 120, 18), Qt.AlignmentFlag.AlignCenter, "target")
    p.drawText(QRectF(20, height - 50, width - 40, 40), Qt.TextFlag.TextWordWrap,
               "Bar length: value ÷ target (for decode_ratio, target ÷ value); bars left of the dashed line meet "
               "their target. Green passes, red misses. Ratios use baselines measured in the same run.")
    p.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(out))
    return out
