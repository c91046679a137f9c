"""`python -m prioritiser` runs the CLI.

A Ctrl-C while the package is still importing (plotly, HiGHS, python-pptx: seconds on a busy
machine) stops as one during a command does: "interrupted", exit code 130, no traceback, no
file touched. Nothing is imported before the guard but the standard library.
"""

import sys

try:
    from prioritiser.cli import main
except KeyboardInterrupt:
    sys.stderr.write("interrupted\n")
    sys.exit(130)  # EXIT_INTERRUPTED (prioritiser.errors), not imported: it may be what was cut

main()
