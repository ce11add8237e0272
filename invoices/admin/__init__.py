"""The back office (SPEC section 10): invoices, customers, payments and the audit trail.

The admin is one of the four doors: every write it makes (edits of drafts, customer
changes, transitions) goes through `invoices.services`, so the rules, the audit trail
and the live messages are the same as in the API and the pages.
"""

from invoices.admin import credit_notes, invoice, related  # noqa: F401 (importing registers the model admins)
