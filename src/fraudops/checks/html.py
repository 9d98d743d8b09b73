"""The HTML report: the gate's verdict first, then Deepchecks' own sections with their plots.

It opens offline, so plotly.js is inlined, once. Deepchecks 0.19 asks plotly for figures with
``include_plotlyjs="require"``, which plotly 6+ no longer knows and answers with a full copy of
plotly.js (4.8 MB) per figure; its own ``save_as_html`` would write 40-60 MB. So the sections
are serialised without the library, the per-figure copies are dropped, and one copy goes in the
page head. No data set is inlined: the sections hold plots and a few example rows only.
"""

from __future__ import annotations

import datetime as dt
import html
import typing

import plotly.offline

from fraudops.checks.library import deepchecks_module
from fraudops.checks.outcome import SuiteReport, format_number

if typing.TYPE_CHECKING:
    from fraudops.checks.runner import SuiteRun

PLOTLY_BANNER = "plotly.js v"
COLORS = {"pass": "#1a7f37", "warn": "#9a6700", "fail": "#cf222e", "not_run": "#6e7781"}
STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
table.verdict { border-collapse: collapse; margin: 1rem 0; }
table.verdict td, table.verdict th { border: 1px solid #d0d7de; padding: 4px 8px;
  text-align: left; vertical-align: top; font-size: 14px; }
table.verdict td.status { font-weight: bold; color: white; }
.deepchecks { margin-top: 2rem; }
"""


def drop_inlined_plotly(text: str) -> str:
    """Remove every ``<script>`` whose body is a copy of plotly.js."""
    parts, position = [], 0
    while True:
        start = text.find("<script", position)
        if start < 0:
            break
        body = text.find(">", start) + 1
        end = text.find("</script>", body)
        if end < 0:
            break
        if PLOTLY_BANNER in text[body : min(end, body + 300)]:
            parts.append(text[position:start])
        else:
            parts.append(text[position : end + len("</script>")])
        position = end + len("</script>")
    parts.append(text[position:])
    return "".join(parts)


def _verdict_table(report: SuiteReport) -> str:
    rows = []
    for o in report.ordered():
        threshold = (
            ""
            if o.threshold is None or o.direction == "none"
            else f"{o.direction} {format_number(o.threshold)}"
        )
        figure = "" if o.figure is None else format_number(o.figure)
        rows.append(
            f'<tr><td class="status" style="background:{COLORS[o.status]}">'
            f"{o.status.replace('_', ' ')}</td><td>{html.escape(o.name)}</td>"
            f"<td>{figure}</td><td>{threshold}</td><td>{o.gate}</td>"
            f"<td>{html.escape(o.detail)}</td></tr>"
        )
    head = "<tr><th>status</th><th>check</th><th>figure</th><th>threshold</th><th>gate</th>"
    return f'<table class="verdict">{head}<th>detail</th></tr>{"".join(rows)}</table>'


def _sections(result: typing.Any) -> str:
    serializers = deepchecks_module("deepchecks.core.serialization.suite_result.html")
    text = serializers.SuiteResultSerializer(result).serialize(
        output_id=result.name.lower().replace(" ", "-"),
        full_html=False,
        include_requirejs=False,
        include_plotlyjs=False,
    )
    return drop_inlined_plotly(text)


def render_html(run: SuiteRun) -> str:
    report = run.report
    verdict = "passed" if report.passed else "FAILED"
    rows = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report.rows.items())
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    sections, library = "", ""
    if run.result is not None:
        sections = f'<div class="deepchecks">{_sections(run.result)}</div>'
        if "plotly-graph-div" in sections:
            library = "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n"
            library += f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>'
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{html.escape(report.title)}: {verdict}</title><style>{STYLE}</style>\n"
        f"{library}\n</head><body>\n"
        f"<h1>{html.escape(report.title)}: {verdict}</h1>\n"
        f"<p>{report.count('fail')} failed, {report.count('not_run')} not run, "
        f"{report.count('warn')} warned, {report.count('pass')} passed; {rows}; "
        f"written {when}.</p>\n{_verdict_table(report)}\n{sections}\n</body></html>\n"
    )
