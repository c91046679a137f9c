"""Building blocks of roadmap.pptx: colours, text boxes, tables, bars, native charts, and
the deterministic package (fixed times in the package and in each chart's embedded
workbook, which python-pptx writes with XlsxWriter at the time of writing)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from prioritiser.reports.excel.cells import fixed_zip

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
INK = RGBColor(0x1F, 0x29, 0x33)
MUTED = RGBColor(0x5F, 0x6B, 0x7A)
ACCENT = RGBColor(0x1D, 0x35, 0x57)
BAD = RGBColor(0xD5, 0x5E, 0x00)
GOOD = RGBColor(0x00, 0x9E, 0x73)
LINE = RGBColor(0xDD, 0xE3, 0xE9)


def rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def deterministic(data: bytes) -> bytes:
    """Fixed times in the package and in every embedded chart workbook."""
    replace = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("ppt/embeddings/") and name.endswith(".xlsx"):
                replace[name] = fixed_workbook(package.read(name))
    return fixed_zip(data, replace)


_STAMP = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_workbook(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        core = book.read("docProps/core.xml") if "docProps/core.xml" in book.namelist() else b""
    fixed = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", core)
    return fixed_zip(data, {"docProps/core.xml": fixed} if core else {})


def text(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    text: str,
    size: float,
    bold: bool = False,
    colour: RGBColor = INK,
    align: PP_ALIGN | None = None,
) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour
    if align is not None:
        paragraph.alignment = align


def bullets(
    slide: Slide, left: int, top: int, width: int, height: int, items: Sequence[str], size: float
) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, item in enumerate(items):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = f"{i + 1}.  {item}" if len(items) > 1 else item
        run.font.size = Pt(size)
        run.font.color.rgb = INK
        paragraph.space_after = Pt(8)


def table(
    slide: Slide, top: int, rows: Sequence[Sequence[str]], widths: Sequence[float], size: float = 11
) -> None:
    shape = slide.shapes.add_table(
        len(rows), len(widths), Inches(0.5), top, Inches(sum(widths)), Inches(0.3 * len(rows))
    )
    grid = shape.table
    for j, w in enumerate(widths):
        grid.columns[j].width = Inches(w)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = grid.cell(i, j)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)
                    run.font.bold = i == 0


def bar(slide: Slide, left: int, top: int, width: int, height: int, colour: str) -> None:
    bar = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(max(width, 1)), Emu(max(height, 1))
    )
    bar.fill.solid()
    bar.fill.fore_color.rgb = rgb(colour)
    bar.line.fill.background()


def chart(
    slide: Slide,
    kind: XL_CHART_TYPE,
    data: CategoryChartData,
    number_format: str,
    colours: Sequence[RGBColor],
) -> None:
    if not len(data.categories):
        text(slide, Inches(0.5), Inches(1.7), Inches(12.3), Inches(1), "Nothing to show.", 14)
        return
    frame = slide.shapes.add_chart(kind, Inches(0.5), Inches(1.6), Inches(12.3), Inches(5.3), data)
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    chart.value_axis.tick_labels.number_format = number_format
    chart.value_axis.tick_labels.number_format_is_linked = False
    for series, colour in zip(chart.series, colours, strict=False):
        fill = series.format.fill
        fill.solid()
        fill.fore_color.rgb = colour
