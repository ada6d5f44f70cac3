"""The Qt-free core: engine, prompts, storage, catalog and download logic.

Nothing in this package may import Qt; ``tests/test_core_is_qt_free.py`` enforces it so the
core stays usable from the headless server, the engine child process and plain scripts.
"""
