"""Self-contained plotly charts: plotly.js embedded inline once, a fixed div id, no CDN.

The same figure always gives the same bytes (no random ids, no timestamps), so chart files
diff cleanly between runs.
"""

from __future__ import annotations

from typing import Any


def figure_html(figure: Any, div_id: str) -> str:
    """The figure as one HTML page that opens offline."""
    return str(
        figure.to_html(
            full_html=True,
            include_plotlyjs=True,
            div_id=div_id,
            config={"displaylogo": False, "responsive": True},
        )
    )
