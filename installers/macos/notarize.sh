#!/usr/bin/env bash
# Notarize and staple a signed disk image so Gatekeeper opens it without warnings (macOS only).
#
#   installers/macos/notarize.sh dist/GPT4All_Desktop-0.1.0-arm64.dmg
#
# Needs, from the environment (CI secrets):
#   APPLE_ID             the Apple ID of the developer account
#   APPLE_TEAM_ID        the team id (10 characters)
#   APPLE_APP_PASSWORD   an app-specific password for that Apple ID
# and an app built with MACOS_CODESIGN_IDENTITY="Developer ID Application: ..." and
# MACOS_ENTITLEMENTS=installers/macos/entitlements.plist (hardened runtime), see README.md here.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 IMAGE.dmg" >&2
  exit 2
fi
dmg="$1"
: "${APPLE_ID:?set APPLE_ID}" "${APPLE_TEAM_ID:?set APPLE_TEAM_ID}" "${APPLE_APP_PASSWORD:?set APPLE_APP_PASSWORD}"
# Fail early, with Apple's own words, when the image or the app inside is not properly signed.
codesign --verify --verbose=2 "$dmg"
xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
  --password "$APPLE_APP_PASSWORD" --wait --timeout 30m
xcrun stapler staple "$dmg"
xcrun stapler validate "$dmg"
spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
echo "notarized and stapled: $dmg"
