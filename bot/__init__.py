"""Telegram booking assistant for businesses that schedule with Zimun."""

__version__ = "0.1.0"
