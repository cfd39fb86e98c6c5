"""The Telegram transport: python-telegram-bot 22 in front of the conversation engine.

The only package that imports `telegram`. `runner.run` is `python -m bot run`.
"""
