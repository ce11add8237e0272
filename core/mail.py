"""The console e-mail backend of the embedded defaults, readable in a terminal.

Django's console backend prints a message's whole MIME text, so an invoice e-mail with
its PDF is some 220 lines of base64 that bury the message. This one prints the headers,
the text and HTML bodies as Django does, then one line per attachment (name, type,
size); what is sent over SMTP or written by the file backend is unchanged.
"""

from __future__ import annotations

import copy
from email.mime.base import MIMEBase
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as DjangoConsoleEmailBackend


def attachment_summary(attachment: Any) -> str:
    """`Attachment: INV-1.pdf (application/pdf, 23,456 bytes)`."""
    if isinstance(attachment, MIMEBase):
        name = attachment.get_filename() or "(no name)"
        mimetype = attachment.get_content_type()
        payload = attachment.get_payload(decode=True)
        size = len(payload) if isinstance(payload, bytes) else 0
    else:
        filename, content, mimetype = attachment
        name = filename or "(no name)"
        mimetype = mimetype or "application/octet-stream"
        size = len(content.encode() if isinstance(content, str) else content or b"")
    return f"Attachment: {name} ({mimetype}, {size:,} bytes)"


class ConsoleEmailBackend(DjangoConsoleEmailBackend):
    def write_message(self, message: EmailMessage) -> None:
        attachments = list(message.attachments)
        if not attachments:
            super().write_message(message)
            return
        # A shallow copy without the attachments renders as Django would render it;
        # the caller's message keeps its attachments.
        shown = copy.copy(message)
        shown.attachments = []
        mime = shown.message()
        # Django's messages carry an email.charset.Charset; the stubs allow a name or None too.
        charset = mime.get_charset().get_output_charset() if mime.get_charset() else "utf-8"  # type: ignore[union-attr]
        text = mime.as_bytes().decode(charset)  # type: ignore[arg-type]
        self.stream.write(f"{text}\n")
        for attachment in attachments:
            self.stream.write(f"{attachment_summary(attachment)}\n")
        self.stream.write("-" * 79)
        self.stream.write("\n")
