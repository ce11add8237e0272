"""Sequential numbers: given at approval, from the owner's pattern, without gaps or duplicates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from companies.models import NumberCounter
from companies.tests.factories import make_company
from core.errors import Forbidden
from invoices import services
from invoices.models import Invoice
from invoices.tests.factories import advance, make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def sequential(owner: Any) -> Any:
    return make_company(owner=owner, numbering="sequential", number_pattern="RE-{YYYY}-{SEQ:05}")


def _approve(invoice: Invoice, approver: Any) -> str:
    advance(invoice, to="approved", approver=approver)
    invoice.refresh_from_db()
    return invoice.invoice_number


def test_random_numbering_stays_the_default(owner: Any, approver: Any) -> None:
    invoice = make_invoice(owner=owner, issue_date=date(2026, 5, 4))
    assert invoice.invoice_number.startswith("INV-202605-") and len(invoice.invoice_number) == 17
    assert not invoice.number_is_provisional
    assert _approve(invoice, approver) == invoice.invoice_number


def test_a_sequential_draft_carries_a_provisional_number_until_approval(owner, approver, sequential) -> None:
    invoice = make_invoice(owner=owner, issue_date=date(2026, 5, 4))
    assert invoice.invoice_number.startswith("DRAFT-") and invoice.number_is_provisional
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    invoice.refresh_from_db()
    assert invoice.invoice_number.startswith("DRAFT-")
    services.invoice_approve(invoice_id=invoice.pk, actor=approver)
    invoice.refresh_from_db()
    assert (invoice.invoice_number, invoice.number_is_provisional) == ("RE-2026-00001", False)


def test_numbers_follow_the_order_of_approval_not_of_creation(owner, approver, sequential) -> None:
    first, second = make_invoice(owner=owner), make_invoice(owner=owner)
    assert _approve(second, approver).endswith("-00001")
    assert _approve(first, approver).endswith("-00002")


def test_drafts_cancelled_before_approval_take_no_number(owner, approver, sequential) -> None:
    kept = make_invoice(owner=owner, issue_date=date(2026, 2, 1))
    dropped = make_invoice(owner=owner, issue_date=date(2026, 2, 1))
    services.invoice_submit(invoice_id=dropped.pk, actor=owner)
    services.invoice_cancel(invoice_id=dropped.pk, actor=owner)
    also_dropped = make_invoice(owner=owner, issue_date=date(2026, 2, 1))
    services.invoice_cancel(invoice_id=also_dropped.pk, actor=owner)
    assert _approve(kept, approver) == "RE-2026-00001"
    assert _approve(make_invoice(owner=owner, issue_date=date(2026, 2, 1)), approver) == "RE-2026-00002"
    dropped.refresh_from_db()
    assert dropped.invoice_number.startswith("DRAFT-")


def test_a_refused_approval_gives_no_number(owner, sequential) -> None:
    invoice = make_invoice(owner=owner)
    services.invoice_submit(invoice_id=invoice.pk, actor=owner)
    with pytest.raises(Forbidden):
        services.invoice_approve(invoice_id=invoice.pk, actor=owner)  # four-eyes
    invoice.refresh_from_db()
    assert invoice.invoice_number.startswith("DRAFT-")
    assert not NumberCounter.objects.exists()


def test_the_sequence_restarts_each_year_when_the_pattern_holds_the_year(owner, approver, sequential) -> None:
    numbers = [
        _approve(make_invoice(owner=owner, issue_date=day), approver)
        for day in (date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1), date(2026, 12, 31))
    ]
    assert numbers == ["RE-2026-00001", "RE-2026-00002", "RE-2027-00001", "RE-2026-00003"]
    assert sorted(NumberCounter.objects.values_list("period", "last_value")) == [(2026, 3), (2027, 1)]


def test_a_pattern_without_a_year_keeps_counting_across_years(owner, approver) -> None:
    make_company(owner=owner, numbering="sequential", number_pattern="N{YY}{MM}-{SEQ:03}")
    assert _approve(make_invoice(owner=owner, issue_date=date(2026, 12, 31)), approver) == "N2612-001"
    assert _approve(make_invoice(owner=owner, issue_date=date(2027, 1, 2)), approver) == "N2701-001"
    make_company(owner=owner, numbering="sequential", number_pattern="N-{MM}-{SEQ:03}")
    assert _approve(make_invoice(owner=owner, issue_date=date(2027, 1, 2)), approver) == "N-01-001"
    assert _approve(make_invoice(owner=owner, issue_date=date(2027, 3, 2)), approver) == "N-03-002"


def test_a_number_given_by_the_user_is_kept_and_the_series_steps_over_it(owner, approver, sequential) -> None:
    typed = make_invoice(owner=owner, invoice_number="RE-2026-00001", issue_date=date(2026, 6, 1))
    assert not typed.number_is_provisional
    assert _approve(typed, approver) == "RE-2026-00001"
    assert _approve(make_invoice(owner=owner, issue_date=date(2026, 6, 1)), approver) == "RE-2026-00002"


def test_typing_a_number_on_a_provisional_draft_keeps_it(owner, approver, sequential) -> None:
    invoice = make_invoice(owner=owner)
    services.invoice_update(invoice_id=invoice.pk, actor=owner, data={"invoice_number": "CUSTOM-7"})
    assert _approve(invoice, approver) == "CUSTOM-7"
    assert not NumberCounter.objects.exists()


def test_counters_are_per_owner(owner, other_user, approver, sequential) -> None:
    make_company(owner=other_user, numbering="sequential", number_pattern="RE-{YYYY}-{SEQ:05}")
    day = date(2026, 4, 1)
    assert _approve(make_invoice(owner=owner, issue_date=day), approver) == "RE-2026-00001"
    assert _approve(make_invoice(owner=other_user, issue_date=day), approver) == "RE-2026-00001"


def test_a_provisional_invoice_approved_after_switching_back_to_random_gets_a_random_number(
    owner, approver, sequential
) -> None:
    invoice = make_invoice(owner=owner, issue_date=date(2026, 8, 1))
    make_company(owner=owner, numbering="random")
    assert _approve(invoice, approver).startswith("INV-202608-")
    assert not NumberCounter.objects.exists()
