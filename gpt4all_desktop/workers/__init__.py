"""Qt workers: QObjects moved to QThreads that talk to the window only through signals."""
