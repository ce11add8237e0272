"""Forms of the files pages. They only carry the upload: what a file may be is decided by
`files.validation`, whose refusals are put back on the field."""

from __future__ import annotations

from django import forms


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Attach a document",
        help_text="PDF, PNG, JPEG, WebP or TIFF, or a CII or UBL invoice XML.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp,.tif,.tiff,.xml,application/pdf,image/*,application/xml"}
        ),
    )
