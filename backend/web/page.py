"""HTML of the staff pages, from the templates next to this file and backend/ops/fleet_view.py.

No template engine: two small pages, filled with :class:`string.Template`, and every value
that comes from the database or the request goes through :func:`html.escape` here.
Chinese first, English after it in a ``.en`` span.
"""

from __future__ import annotations

import datetime as dt
import html
from functools import cache
from pathlib import Path
from string import Template
from urllib.parse import urlencode

from backend.clock import SHANGHAI
from backend.ops.fleet_view import (
    VERDICT_TEXT,
    Cell,
    FleetColumn,
    FleetRow,
    Verdict,
    problem_text,
)

WEB = Path(__file__).resolve().parent
STATIC = WEB / "static"
REFRESH_S = 10  # well inside the terminals' 60 s report period


@cache
def _template(name: str) -> Template:
    return Template((WEB / "templates" / name).read_text("utf-8"))


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _bi(zh: str, en: str) -> str:
    """Chinese, then English in a muted span."""
    return _e(zh) + (f' <span class="en">{_e(en)}</span>' if en else "")


def login_page(csrf: str, message: tuple[str, str] | None = None) -> str:
    """The login form; ``message`` (zh, en) is shown above it (wrong password, throttled)."""
    notice = f'<p class="error" role="alert">{_bi(*message)}</p>' if message else ""
    return _template("login.html").substitute(csrf=_e(csrf), message=notice)


def _hall_label(hall: str | None) -> tuple[str, str]:
    if hall is None:
        return "全部营业厅", "all halls"
    return (hall, "") if hall else ("未分配", "no hall")


def fleet_page(
    *,
    username: str,
    csrf: str,
    halls: list[str] | None,
    hall: str | None,
    table: str,
) -> str:
    """The whole page; ``halls``: the halls this member may pick from (None: own hall only)."""
    picker = ""
    if halls is not None:
        links = []
        for choice in [None, *halls]:
            query = "" if choice is None else "?" + urlencode({"hall": choice})
            current = ' class="current"' if choice == hall else ""
            links.append(f'<a href="/staff/fleet{query}"{current}>{_bi(*_hall_label(choice))}</a>')
        picker = '<div class="halls">' + " ".join(links) + "</div>"
    query = "" if hall is None else "?" + urlencode({"hall": hall})
    return _template("fleet.html").substitute(
        hall_title=_e(_hall_label(hall)[0]),
        hall_picker=picker,
        csrf=_e(csrf),
        username=_e(username),
        table_url=_e(f"/staff/fleet/table{query}"),
        refresh_s=REFRESH_S,
        refresh_ms=REFRESH_S * 1000,
        table=table,
    )


def _cell(column: FleetColumn, cell: Cell) -> str:
    label = _e(f"{column.zh} {column.en}")
    return (
        f'<td data-label="{label}" data-col="{_e(column.key)}" class="lvl-{cell.level.value}">'
        f'<div class="v">{_bi(cell.zh, cell.en)}</div></td>'
    )


def _local(at: dt.datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")


def _problems(row: FleetRow) -> str:
    now_list = "".join(f"<li>{_bi(*problem_text(c))}</li>" for c in row.problems)
    out = f"<ul>{now_list}</ul>" if now_list else "—"
    if row.history:
        items = []
        for ev in row.history:
            zh, en = problem_text(ev.code)
            verb_zh, verb_en = ("出现", "raised") if ev.change == "raised" else ("恢复", "cleared")
            items.append(
                f'<li class="{_e(ev.change)}">{_e(_local(ev.at))} {_e(zh)}{_e(verb_zh)}'
                f' <span class="en">{_e(en)} {_e(verb_en)}</span></li>'
            )
        out += (
            f'<details id="hist-{_e(row.terminal_id)}"><summary>{_bi("历史", "history")}'
            f" ({len(row.history)})</summary><ul>{''.join(items)}</ul></details>"
        )
    return out


def fleet_table(rows: list[FleetRow], columns: list[FleetColumn], now: dt.datetime) -> str:
    """The part the page re-fetches: a summary line and the table, worst first."""
    counts = {v: sum(r.verdict is v for r in rows) for v in Verdict}
    summary = " ".join(
        f'<span class="lvl-{VERDICT_TEXT[v][2].value}">{_bi(*VERDICT_TEXT[v][:2])} '
        f"<b>{counts[v]}</b></span>"
        for v in Verdict
        if counts[v]
    )
    stamp = f'<span id="updated">{_bi("更新于 " + _local(now), "updated")}</span>'
    head = f'<div class="summary">{summary} {stamp}</div>'
    if not rows:
        return head + f'<p class="empty">{_bi("没有终端", "No terminals")}</p>'
    ths = "".join(f"<th>{_bi(c.zh, c.en)}</th>" for c in columns)
    lines = []
    for row in rows:
        zh, en, _level = VERDICT_TEXT[row.verdict]
        ident = (
            f'<td data-label="终端 Terminal"><div class="v"><span class="tid">'
            f'{_e(row.terminal_id)}</span><span class="en">{_e(row.name)}</span></div></td>'
        )
        verdict = (
            f'<td data-label="状态 State"><div class="v"><span class="verdict {row.verdict.value}">'
            f"{_bi(zh, en)}</span></div></td>"
        )
        cells = "".join(_cell(c, c.cell(row, now)) for c in columns)
        problems = (
            f'<td data-label="问题 Problems" class="problems"><div class="v">{_problems(row)}'
            "</div></td>"
        )
        lines.append(
            f'<tr class="{row.verdict.value}" data-terminal="{_e(row.terminal_id)}">'
            f"{ident}{verdict}{cells}{problems}</tr>"
        )
    return (
        f'{head}<table><thead><tr><th>{_bi("终端", "Terminal")}</th>'
        f'<th>{_bi("状态", "State")}</th>{ths}<th>{_bi("问题", "Problems")}</th></tr></thead>'
        f"<tbody>{''.join(lines)}</tbody></table>"
    )
