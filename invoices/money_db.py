"""Money inside the database: expressions that are exact on SQLite and PostgreSQL alike.

PostgreSQL stores `numeric` and does decimal arithmetic. SQLite has no decimal type: a
DECIMAL column has NUMERIC affinity and keeps `95.15` as the nearest binary double, so
`79.96 + 15.19 = 95.15` is false there and a CHECK constraint written as
`total = subtotal + tax` refuses a correct invoice about one time in five.

We keep Decimal columns (exact on PostgreSQL, and what every query, admin and
serializer already reads) and make every comparison the database evaluates work in
integer minor units: `CAST(ROUND(amount * 100) AS INTEGER)`. For any amount our columns
hold (at most 12 integer digits and 2 places) the double's error is far below half a
cent, so the rounding gives back exactly the cents that were written, and integer
arithmetic is exact on both databases. Storing cents as integers would have said the
same thing with a rewrite of every query; comparing in cents says it where it matters:
constraints, generated columns and sums.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BigIntegerField, DecimalField, F, Sum
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Round


def minor_units(field: str | Combinable) -> Cast:
    """The amount in cents, as a 64-bit integer expression."""
    expression = F(field) if isinstance(field, str) else field
    return Cast(Round(expression * 100), BigIntegerField())


def rounded_difference(minuend: str, subtrahend: str) -> Round:
    """`minuend - subtrahend` rounded to cents in SQL, for generated columns: on SQLite a
    bare difference of doubles is off by a few ulps (`95.15 - 79.96` is not `15.19`)."""
    return Round(F(minuend) - F(subtrahend), 2, output_field=DecimalField(max_digits=14, decimal_places=2))


class MoneySum(Sum):
    """`Sum` of a money column that is exact on SQLite too.

    PostgreSQL sums `numeric` exactly, so there it is a plain SUM. On SQLite it sums
    integer cents (exact in 64-bit integers) and divides once by 100: one correctly
    rounded division gives the double nearest the exact decimal, which Django's decimal
    converter turns back into that decimal for any total below 10^13.
    """

    def __init__(self, expression: Any, **extra: Any) -> None:
        extra.setdefault("output_field", DecimalField(max_digits=16, decimal_places=2))
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple[Any, ...]]:
        in_cents = self.copy()
        in_cents.template = "%(function)s(%(distinct)sCAST(ROUND(%(expressions)s * 100) AS INTEGER))"
        sql, params = super(MoneySum, in_cents).as_sql(compiler, connection, **extra_context)
        return f"(({sql}) / 100.0)", params
