"""Widgets: the main window, chat view, sidebar and dialogs."""
