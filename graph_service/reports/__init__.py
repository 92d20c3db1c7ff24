"""The HTML report for people who steer: one self-contained file, readable without SNA.

>>> from graph_service.reports import build_report  # doctest: +SKIP
>>> html = build_report(services, TieFilter(), phase_a="1", phase_b="2")  # doctest: +SKIP
"""

from graph_service.reports.page import ReportData, build_report, collect, render_report

__all__ = ["ReportData", "build_report", "collect", "render_report"]
