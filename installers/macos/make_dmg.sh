#!/usr/bin/env bash
# Wrap "GPT4All Desktop.app" in a compressed, drag-to-install disk image (macOS only).
#
#   installers/macos/make_dmg.sh "dist/GPT4All Desktop.app" dist/GPT4All_Desktop-0.1.0-arm64.dmg
#
# The image holds the app and a link to /Applications, so people drag one onto the other.
# When MACOS_CODESIGN_IDENTITY is set, the image is signed too (notarize.sh then submits it).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 APP_BUNDLE OUT.dmg" >&2
  exit 2
fi
app="$1"
out="$2"
[ -d "$app/Contents/MacOS" ] || { echo "not an app bundle: $app" >&2; exit 1; }
command -v hdiutil >/dev/null || { echo "hdiutil is macOS-only" >&2; exit 1; }
volname="GPT4All Desktop"
stage="$(mktemp -d "${TMPDIR:-/tmp}/gpt4all-dmg.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
# ditto keeps symlinks, extended attributes and signatures intact (cp -R may not).
ditto "$app" "$stage/$(basename "$app")"
ln -s /Applications "$stage/Applications"
mkdir -p "$(dirname "$out")"
rm -f "$out"
hdiutil create -volname "$volname" -srcfolder "$stage" -fs HFS+ -format UDZO -imagekey zlib-level=9 -ov "$out"
if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_CODESIGN_IDENTITY" "$out"
fi
echo "disk image: $out"
