"""GPT4All Desktop: chat privately with a local, 4-bit quantized language model."""

__version__ = "0.1.0"
APP_NAME = "GPT4All Desktop"
APP_ID = "gpt4all-desktop"
ORG_NAME = "GPT4All Desktop"
