"""What the commands print: plain lines, without absl's log prefixes."""

import logging as python_logging

from absl import logging


class PlainFormatter(python_logging.Formatter):
    """A record's message alone; warnings and errors name their level first:
    `step 400/2000 (20%) | ...`, `warning: steps=2001 is not a multiple of ...`."""

    def format(self, record):
        message = super().format(record)
        if record.levelno >= python_logging.WARNING:
            return f"{record.levelname.lower()}: {message}"
        return message


def plain_lines():
    """Has absl print the command's log lines without its prefix (level letter,
    date, time, thread id, file:line), which fills a third of each progress line.
    Call it in a command's `main`, once absl has set up its handler."""
    logging.get_absl_handler().setFormatter(PlainFormatter())
