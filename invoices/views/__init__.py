"""The invoice and customer pages: thin views over `invoices.selectors` and `invoices.services`.

Each view reads through a selector (so an invoice the user may not see is a 404 page,
exactly as in the API), writes through one service call, and turns a `DomainError`
into a message or into errors next to the fields that caused it.
"""
