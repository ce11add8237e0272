"""django-fsm-2's `transition` decorator, with the types the invoice state machine uses.

django-fsm-2 types its conditions and permissions against any `Model` and returns an
untyped method, so mypy could check neither the predicates nor the calls
`invoice.approve(by=actor)`. At run time this module hands out django-fsm-2's own
decorator unchanged; only the type checker sees the signature below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from invoices.models import Invoice

    _Method = TypeVar("_Method", bound=Callable[..., None])
    # What django-fsm-2 passes a permission: the user handed to `has_transition_perm`,
    # a person, an anonymous visitor, or None for the system.
    InvoiceCondition = Callable[[Invoice], bool]
    InvoicePermission = Callable[[Invoice, "User | AnonymousUser | None"], bool]

    def transition(
        *,
        field: Any,
        source: Any = "*",
        target: Any = None,
        on_error: Any = None,
        conditions: list[InvoiceCondition] | None = None,
        permission: InvoicePermission | None = None,
        custom: dict[str, Any] | None = None,
    ) -> Callable[[_Method], _Method]: ...

else:
    from django_fsm import transition

__all__ = ["transition"]
