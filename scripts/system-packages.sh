#!/usr/bin/env bash
# Debian/Ubuntu packages the app and its tests need: Qt's xcb and EGL libraries for a real
# window, a CJK font so Hangul renders, Xvfb for screenshot tests, squashfs-tools for the AppImage.
# Skipped quietly where apt-get is missing or we are not root (a desktop usually has these).
set -euo pipefail
PACKAGES=(
  libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1
  fonts-noto-cjk xvfb xauth squashfs-tools nsis shellcheck desktop-file-utils
)
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "system-packages: skipped (needs root and apt-get); install if missing: ${PACKAGES[*]}"
  exit 0
fi
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
