"""`report.pdf`: report.html printed by headless Chromium, A4 landscape (`report --pdf`).

The page's print stylesheet lays the paper out (a page for the headline, the levers, the
roadmap at the page's width, …); Chromium only prints it. Chromium stamps the time of
printing into the PDF's information dictionary; the stamp is replaced by a fixed one of the
same length (the paper's date when it has one), so the same report prints to the same bytes
with the same Chromium. Which Chromium is used: `$PRIORITISER_CHROMIUM`, else the first of
`chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` on the PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from prioritiser.errors import OutputError, UsageError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ENV = "PRIORITISER_CHROMIUM"
TIMEOUT = 180
# Chromium lays the page out at this window size before printing: the screen layout the
# charts were drawn for (the print Gantts have their own fixed page width).
WINDOW = "1400,1000"
_STAMP = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)")


class ChromiumMissing(UsageError):
    """`--pdf` was asked for and no headless Chromium was found (exit 2)."""


def find_chromium() -> str:
    """The Chromium to print with; raises `ChromiumMissing` with what to do."""
    named = os.environ.get(ENV)
    if named:
        if Path(named).is_file() and os.access(named, os.X_OK):
            return named
        raise ChromiumMissing(f"${ENV} is {named!r}, which is not an executable file")
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissing(
        "--pdf prints report.html with headless Chromium, and none was found (looked for "
        f"{', '.join(BROWSERS)} on the PATH, and ${ENV}); install one (Debian: apt-get install "
        "chromium) or set it, or open report.html and print it to PDF from a browser "
        "(A4 landscape)"
    )


def print_pdf(html: str, date: str | None = None, chromium: str | None = None) -> bytes:
    """report.html (its text) printed to PDF bytes."""
    browser = chromium or find_chromium()
    with tempfile.TemporaryDirectory(prefix="prioritiser-pdf-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        target = Path(folder) / "report.pdf"
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--window-size={WINDOW}",
            "--no-pdf-header-footer",
            "--virtual-time-budget=15000",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise OutputError(f"could not print report.pdf with {browser}: {exc}") from exc
        if result.returncode != 0 or not target.is_file():
            tail = (result.stderr or "").strip().splitlines()[-3:]
            raise OutputError(
                f"{browser} did not print report.pdf (exit {result.returncode})",
                details=tail,
            )
        return fixed_stamps(target.read_bytes(), date)


def fixed_stamps(pdf: bytes, date: str | None) -> bytes:
    """The PDF with its creation and modification times replaced by `date` (YYYY-MM-DD) or
    2000-01-01, same length, so no offset in the file moves."""
    day = (date or "2000-01-01").replace("-", "")

    def fixed(match: re.Match[bytes]) -> bytes:
        text = match.group(0)
        stamp = f"D:{day}000000".encode()
        return text.replace(text[text.index(b"D:") : text.index(b"D:") + 16], stamp)

    return _STAMP.sub(fixed, pdf)
