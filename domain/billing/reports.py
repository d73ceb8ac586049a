"""Usage reports (N3) as CSV and PDF, from the daily aggregates.

CSV for a Brazilian spreadsheet: UTF-8 with a BOM (so Excel reads the accents), `;` between
fields, dates as dd/mm/aaaa and decimals with a comma. PDF with ReportLab (no HTML printing):
title, period, the table and a bar chart of messages per day. Building a PDF is CPU work:
callers run `pdf_report` in a thread (`report_file` does).
"""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from domain.billing.usage import Prices, Totals

HEADER = [
    "Data",
    "Mensagens",
    "Tokens de entrada",
    "Tokens de saída",
    "Tempo médio de resposta (s)",
    "Custo estimado (R$)",
]


@dataclass(frozen=True)
class Report:
    company: str
    first: date
    last: date
    days: list[tuple[date, Totals]]
    prices: Prices


def _brl(value: Decimal | float | None, places: int = 2) -> str:
    if value is None:
        return ""
    text = f"{Decimal(str(value)):,.{places}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def _rows(report: Report) -> list[list[str]]:
    rows = []
    for day, totals in report.days:
        data = totals.as_json(report.prices)
        rows.append(
            [
                day.strftime("%d/%m/%Y"),
                str(totals.messages),
                str(totals.tokens_in),
                str(totals.tokens_out),
                _brl(data["avg_response_seconds"], 1),
                _brl(Decimal(data["estimated_cost"])),
            ]
        )
    return rows


def _total(report: Report) -> list[str]:
    sums = Totals(
        sum(t.messages for _, t in report.days),
        sum(t.tokens_in for _, t in report.days),
        sum(t.tokens_out for _, t in report.days),
        sum(t.response_ms for _, t in report.days),
    )
    data = sums.as_json(report.prices)
    return [
        "Total",
        str(sums.messages),
        str(sums.tokens_in),
        str(sums.tokens_out),
        _brl(data["avg_response_seconds"], 1),
        _brl(Decimal(data["estimated_cost"])),
    ]


def spreadsheet_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """CSV as a Brazilian spreadsheet opens it: UTF-8 with a BOM, `;` between fields (the
    comma is the decimal mark), CRLF. Every CSV the product offers for download uses it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_report(report: Report) -> bytes:
    return spreadsheet_csv(HEADER, [*_rows(report), _total(report)])


def pdf_report(report: Report) -> bytes:
    out = io.BytesIO()
    styles = getSampleStyleSheet()
    period = f"{report.first:%d/%m/%Y} a {report.last:%d/%m/%Y}"
    table = Table([HEADER, *_rows(report), _total(report)], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0b6e4f")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
            ]
        )
    )
    document = SimpleDocTemplate(
        out, pagesize=A4, title=f"Consumo — {report.company}", author="Secretária Virtual"
    )
    document.build(
        [
            Paragraph(f"Relatório de consumo — {report.company}", styles["Title"]),
            Paragraph(f"Período: {period}", styles["Normal"]),
            Spacer(1, 0.5 * cm),
            _chart(report),
            Spacer(1, 0.5 * cm),
            table,
        ]
    )
    return out.getvalue()


def _chart(report: Report) -> Drawing:
    drawing = Drawing(16 * cm, 6 * cm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 25, 15 * cm - 30, 5 * cm - 25
    chart.data = [[t.messages for _, t in report.days] or [0]]
    chart.categoryAxis.categoryNames = [f"{d:%d/%m}" for d, _ in report.days]
    chart.categoryAxis.labels.angle = 90
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.dy = -12
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#0b6e4f")
    drawing.add(chart)
    return drawing


Format = Literal["csv", "pdf"]
MIMETYPES: dict[str, str] = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


@dataclass(frozen=True)
class ReportFile:
    name: str
    mimetype: str
    body: bytes


async def report_file(report: Report, slug: str, fmt: Format) -> ReportFile:
    """The report as a download named consumo-<slug>-<last day>.<fmt>. The PDF is CPU work,
    built in a thread so the event loop keeps serving."""
    if fmt == "pdf":
        body = await asyncio.to_thread(pdf_report, report)
    else:
        body = csv_report(report)
    name = f"consumo-{slug}-{report.last.isoformat()}.{fmt}"
    return ReportFile(name, MIMETYPES[fmt], body)
