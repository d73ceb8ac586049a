"""Usage reports: a CSV a Brazilian spreadsheet opens right, and a real PDF."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from domain.billing.reports import Report, csv_report, pdf_report
from domain.billing.usage import Prices, Totals

FIRST = date(2026, 11, 1)
DAYS = [
    (FIRST + timedelta(days=n), Totals(n * 10, n * 1000, n * 100, n * 10 * 1500)) for n in range(3)
]
REPORT = Report(
    "Clínica Sorriso",
    FIRST,
    FIRST + timedelta(days=2),
    DAYS,
    Prices(Decimal("0.05"), Decimal("0.02")),
)


def test_csv_is_utf8_with_bom_semicolons_brazilian_dates_and_decimals() -> None:
    raw = csv_report(REPORT)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Data" and rows[0][3] == "Tokens de saída"
    assert rows[1] == ["01/11/2026", "0", "0", "0", "", "0,00"]
    # 20 messages, 2,200 tokens: 20 x 0.05 + 2.2 x 0.02 = 1.044; 1.5 s on average
    assert rows[3] == ["03/11/2026", "20", "2000", "200", "1,5", "1,04"]
    assert rows[-1][:2] == ["Total", "30"]


def test_pdf_is_a_pdf_with_its_title() -> None:
    raw = pdf_report(REPORT)
    assert raw.startswith(b"%PDF-")
    assert b"Consumo" in raw and b"/Type /Page" in raw
    assert raw.rstrip().endswith(b"%%EOF")
