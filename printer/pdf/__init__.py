"""A4 PDF statements with reportlab: embedded subset CJK font, chart, itemised tables, CUPS."""

from printer.pdf.lp import print_pdf
from printer.pdf.receipt import render_receipt_pdf
from printer.pdf.statement import Statement, render_statement, write_statement

__all__ = ["Statement", "print_pdf", "render_receipt_pdf", "render_statement", "write_statement"]
