#!/usr/bin/env bash
# Pack a PyInstaller onedir (dist/gpt4all-desktop) into an AppImage.
#
#   installers/linux/make_appimage.sh ONEDIR RUNTIME OUT.AppImage
#
# ONEDIR   the folder build.spec made (holds the gpt4all-desktop executable and _internal/)
# RUNTIME  the AppImage type-2 runtime (scripts/fetch_appimage_runtime.py writes it)
# OUT      the AppImage to write
#
# Needs mksquashfs (Debian/Ubuntu: squashfs-tools). APPIMAGE_COMP picks the squashfs
# compression the runtime can read: gzip (default, fast to build) or xz (smaller, slower).
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 ONEDIR RUNTIME OUT.AppImage" >&2
  exit 2
fi
onedir="$(readlink -f "$1")"
runtime="$(readlink -f "$2")"
out="$3"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
comp="${APPIMAGE_COMP:-gzip}"
case "$comp" in gzip|xz) ;; *) echo "APPIMAGE_COMP must be gzip or xz (the runtime reads no other)" >&2; exit 2 ;; esac
[ -x "$onedir/gpt4all-desktop" ] || { echo "no gpt4all-desktop executable in $onedir" >&2; exit 1; }
[ -s "$runtime" ] || { echo "no AppImage runtime at $runtime" >&2; exit 1; }
command -v mksquashfs >/dev/null || { echo "mksquashfs missing: install squashfs-tools" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/gpt4all-appdir.XXXXXX")"
trap 'rm -rf "$work"' EXIT
appdir="$work/AppDir"
mkdir -p "$appdir/usr/lib" "$appdir/usr/share/applications" "$appdir/usr/share/metainfo"
# Hard links where the file system allows (instant, no extra space), copies otherwise.
cp -al "$onedir" "$appdir/usr/lib/gpt4all-desktop" 2>/dev/null || cp -a "$onedir" "$appdir/usr/lib/gpt4all-desktop"
install -m 755 "$here/AppRun" "$appdir/AppRun"
install -m 644 "$here/gpt4all-desktop.desktop" "$appdir/gpt4all-desktop.desktop"
install -m 644 "$here/gpt4all-desktop.desktop" "$appdir/usr/share/applications/gpt4all-desktop.desktop"
install -m 644 "$here/gpt4all-desktop.appdata.xml" "$appdir/usr/share/metainfo/gpt4all-desktop.appdata.xml"
icons="$repo/resources/icons"
install -m 644 "$icons/gpt4all-desktop-256.png" "$appdir/gpt4all-desktop.png"
ln -s gpt4all-desktop.png "$appdir/.DirIcon"
for size in 16 24 32 48 64 128 256 512; do
  install -D -m 644 "$icons/gpt4all-desktop-$size.png" "$appdir/usr/share/icons/hicolor/${size}x${size}/apps/gpt4all-desktop.png"
done
install -D -m 644 "$icons/gpt4all-desktop.svg" "$appdir/usr/share/icons/hicolor/scalable/apps/gpt4all-desktop.svg"

mksquashfs "$appdir" "$work/payload.squashfs" -root-owned -noappend -no-xattrs -comp "$comp" -quiet >/dev/null
mkdir -p "$(dirname "$out")"
cat "$runtime" "$work/payload.squashfs" > "$out.part"
chmod 755 "$out.part"
mv -f "$out.part" "$out"
echo "AppImage: $out ($(du -h "$out" | cut -f1))"
