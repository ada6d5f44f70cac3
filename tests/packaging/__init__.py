"""Tests of the build spec, installers, AppImage and CI workflow."""
