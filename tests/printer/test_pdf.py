"""PDF statements: extractable Chinese, embedded subset font, page x/y, repeated headers; lp."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from printer.errors import LpError
from printer.pdf import Statement, print_pdf, render_statement, write_statement
from printer.samples import (
    SAMPLE_CUSTOMER,
    SAMPLE_MONTHS,
    SAMPLE_TERMINAL,
    sample_month,
    sample_records,
)

NOW = dt.datetime(2026, 11, 25, 18, 30)
MONTHS = tuple(sample_month(m) for m in SAMPLE_MONTHS)


def pdftotext(path: Path, *args: str) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *args, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


@pytest.fixture(scope="module")
def statement_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Statement]:
    records = sample_records(600)
    statement = Statement(SAMPLE_TERMINAL, SAMPLE_CUSTOMER, MONTHS, records, NOW)
    path = write_statement(statement, tmp_path_factory.mktemp("pdf") / "s" / "statement.pdf")
    return path, statement


def test_chinese_text_is_extractable_and_masked(statement_pdf: tuple[Path, Statement]) -> None:
    path, statement = statement_pdf
    text = pdftotext(path)
    for expected in (
        "客户账单及详单",
        "张*峰",
        "138****5678",
        "北京西单营业厅",
        "近5个月费用",
        "套餐及固定费",
        "本单据仅供核对，不作为报销凭证",
        "2026-10 详单",
        "通话",
    ):
        assert expected in text
    assert SAMPLE_CUSTOMER.phone not in text and SAMPLE_CUSTOMER.name not in text
    for record in statement.records:
        if record.other_party:
            assert record.other_party not in text


def test_page_numbers_count_all_pages(statement_pdf: tuple[Path, Statement]) -> None:
    path, _ = statement_pdf
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert pages > 5
    text = pdftotext(path)
    found = re.findall(r"第 (\d+) 页 / 共 (\d+) 页", text)
    assert [int(x) for x, _ in found] == list(range(1, pages + 1))
    assert {int(y) for _, y in found} == {pages}


def test_long_tables_repeat_their_header(statement_pdf: tuple[Path, Statement]) -> None:
    path, _ = statement_pdf
    pages = pdftotext(path).split("\f")
    continued = [p for p in pages if "通话（续）" in p]
    assert continued
    assert all("起始时间" in p and "对方号码" in p for p in continued)


def test_font_is_embedded_as_subset(statement_pdf: tuple[Path, Statement]) -> None:
    path, _ = statement_pdf
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        assert "TrueType" in row and " yes yes yes " in row  # emb, sub, uni
        assert re.match(r"[A-Z]{6}\+", row)


def test_chart_labels_for_five_months(statement_pdf: tuple[Path, Statement]) -> None:
    path, _ = statement_pdf
    first_page = pdftotext(path, "-f", "1", "-l", "1")
    for month in MONTHS:
        assert month.month in first_page
        yuan = f"{month.total_fen // 100}.{month.total_fen % 100:02d}"
        assert yuan in first_page


def test_other_party_unmasked_when_the_caller_says_so(tmp_path: Path) -> None:
    records = sample_records(30)
    statement = Statement(
        SAMPLE_TERMINAL, SAMPLE_CUSTOMER, MONTHS, records, NOW, mask_other_party=False
    )
    path = tmp_path / "open.pdf"
    path.write_bytes(render_statement(statement))
    text = pdftotext(path)
    assert any(r.other_party in text for r in records if r.other_party)


def _fake_lp(bin_dir: Path, script: str) -> None:
    lp = bin_dir / "lp"
    lp.write_text("#!/bin/sh\n" + script)
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)


def test_print_pdf_runs_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir, spool = tmp_path / "bin", tmp_path / "spool"
    bin_dir.mkdir()
    spool.mkdir()
    _fake_lp(
        bin_dir,
        f'echo "$@" > {spool}/args\ncp "$6" {spool}/job.pdf\n'
        'echo "request id is A4-42 (1 file(s))"\n',
    )
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4 test")
    answer = print_pdf(pdf, "hall-a4", copies=2)
    assert answer == "request id is A4-42 (1 file(s))"
    assert (spool / "args").read_text().split() == ["-d", "hall-a4", "-n", "2", "--", str(pdf)]
    assert (spool / "job.pdf").read_bytes() == b"%PDF-1.4 test"


def test_print_pdf_failure_is_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_lp(bin_dir, 'echo "lp: The printer or class does not exist." >&2\nexit 1\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF")
    with pytest.raises(LpError, match="does not exist"):
        print_pdf(pdf, "nope")
    with pytest.raises(LpError, match="no such PDF"):
        print_pdf(tmp_path / "missing.pdf", "q")


def test_missing_lp_is_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(LpError, match="not found"):
        print_pdf(tmp_path / "x.pdf", "q")


def test_receipt_document_as_pdf_on_paper_width(tmp_path: Path) -> None:
    from printer.document import Cut, Document, Text
    from printer.pdf import render_receipt_pdf
    from printer.profiles import load_profile
    from printer.receipts import PaymentReceipt, build_payment_receipt

    receipt = PaymentReceipt(
        SAMPLE_TERMINAL,
        SAMPLE_CUSTOMER,
        "T1",
        "P1",
        NOW,
        9999,
        verify_url="https://verify.example.cn/r/P1",
    )
    for name, width_pt in (("generic-80", 226.8), ("generic-58", 164.4)):
        profile = load_profile(name)
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(render_receipt_pdf(build_payment_receipt(receipt, NOW), profile))
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
        size = re.search(r"Page size:\s+([\d.]+) x", info.stdout)
        assert size is not None and abs(float(size.group(1)) - width_pt) < 0.1
        text = pdftotext(path)
        assert "自助缴费凭据" in text and "138****5678" in text and "玖拾玖元玖角玖分" in text
        assert SAMPLE_CUSTOMER.phone not in text
    long_slip = Document((*(Text(f"第{i}行 测试") for i in range(400)), Cut()))
    path = tmp_path / "long.pdf"
    path.write_bytes(render_receipt_pdf(long_slip, load_profile("generic-80")))
    pages = pdftotext(path).split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    assert "第399行" in pages[1]


def test_post_paid_months_are_worded_as_bills(tmp_path: Path) -> None:
    """Issue 13 major 3: no 上月末结余/月末余额 running negative for a post-paid line."""
    import dataclasses

    months = tuple(
        dataclasses.replace(
            m, opening_balance_fen=-14290, top_up_fen=14290, closing_balance_fen=-15540,
            postpaid=True, due_fen=15540,
        )
        for m in MONTHS
    )  # fmt: skip
    statement = Statement(SAMPLE_TERMINAL, SAMPLE_CUSTOMER, months, (), NOW)
    text = pdftotext(write_statement(statement, tmp_path / "post.pdf"))
    assert "出账应缴" in text and "155.40" in text and "当月已缴" in text
    assert "月末余额" not in text and "结余" not in text and "-155.40" not in text
