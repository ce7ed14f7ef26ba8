"""The annual report (:mod:`appraisals.annual_report`) as a PDF, with the portfolio PDF's page,
fonts and text cleaning (:class:`portfolios.pdf.PortfolioPDF`). Nothing is read from the
database here."""

from __future__ import annotations

from fpdf.fonts import FontFace

from portfolios import pdf as portfolio_pdf
from portfolios.pdf import (
    BODY_SIZE,
    LINE,
    MUTED_COLOUR,
    SMALL_SIZE,
    TEXT_COLOUR,
    WHITE,
    PortfolioPDF,
    TextCleaner,
    format_date,
)

from .annual_report import NOT_SHOWN, AnnualReport, Table, shown


class ReportPDF(PortfolioPDF):
    """The portfolio page with the report's running header (organisation and title)."""

    def __init__(self, report: AnnualReport, font):
        super().__init__(report.organisation, font)
        self.header_label = self.safe(report.title)


def _table(pdf: ReportPDF, table: Table) -> None:
    columns = len(table.columns)
    size = BODY_SIZE if columns <= 5 else SMALL_SIZE
    pdf.keep_space(LINE * 4)
    pdf.paragraph(table.caption, bold=True)
    pdf.ln(1)
    label_width = min(60.0, pdf.epw * 0.4)
    other = (pdf.epw - label_width) / max(columns - 1, 1)
    pdf.font(size)
    with pdf.table(
        width=pdf.epw,
        col_widths=(label_width, *([other] * (columns - 1))),
        text_align=("LEFT", *(["RIGHT"] * (columns - 1))),
        headings_style=FontFace(emphasis="BOLD", color=TEXT_COLOUR, fill_color=WHITE),
        line_height=size * 0.5,
        padding=1.5,
        repeat_headings=1,
    ) as rows:
        heading = rows.row()
        for column in table.columns:
            heading.cell(pdf.safe(column))
        for label, values in table.rows:
            row = rows.row()
            row.cell(pdf.safe(label))
            for value in values:
                row.cell(pdf.safe(shown(value, NOT_SHOWN)))
    pdf.ln(4)


def render_report_pdf(report: AnnualReport, *, compress: bool = True) -> bytes:
    """``compress=False`` leaves page content streams uncompressed, so tests can search them."""
    # Looked up on the module at call time, so tests can force the Helvetica path there.
    pdf = ReportPDF(report, portfolio_pdf.find_unicode_font())
    pdf.set_compression(compress)
    pdf.set_lang("en-GB")
    metadata = TextCleaner(lambda ch: True)
    pdf.set_title(metadata(f"{report.title} \u2013 {report.organisation}"))
    pdf.set_author(metadata(report.organisation))
    pdf.set_creator("Capable")
    pdf.set_subject("Annual workforce report")

    pdf.add_page()
    pdf.paragraph(report.organisation, size=12, colour=MUTED_COLOUR, line=6)
    pdf.paragraph(report.title, size=20, bold=True, line=10)
    pdf.paragraph(
        f"1 December {report.since.year} to 30 November {report.until.year}. "
        f"Made on {format_date(report.made_on)}."
    )
    pdf.ln(3)
    pdf.notice(report.cannot_say)
    pdf.ln(3)
    for section in report.sections:
        pdf.keep_space(LINE * 8)
        pdf.rule()
        pdf.ln(3)
        pdf.paragraph(section.title, size=14, bold=True, line=7)
        if section.intro:
            pdf.paragraph(section.intro, colour=MUTED_COLOUR)
        pdf.ln(2)
        for table in section.tables:
            _table(pdf, table)
        for line in section.lines:
            pdf.bullet(line)
        pdf.ln(2)
    return bytes(pdf.output())
