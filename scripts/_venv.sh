# Shared by scripts/demo, scripts/test and scripts/bench: create .venv and install the project.
# Usage: source scripts/_venv.sh EXTRAS   (EXTRAS e.g. "" or "[dev]")
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3}"
if ! command -v "$PY" >/dev/null 2>&1; then PY=python; fi
if [ ! -x "$ROOT/.venv/bin/python" ]; then
    echo "creating $ROOT/.venv" >&2
    "$PY" -m venv "$ROOT/.venv"
fi
VENV_PY="$ROOT/.venv/bin/python"
# Reinstall only when pyproject.toml changed since the last install, so repeated runs are fast.
STAMP="$ROOT/.venv/.installed${1:-}"
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
    echo "installing prioritiser${1:-} into .venv" >&2
    "$VENV_PY" -m pip install --quiet --upgrade pip >&2
    "$VENV_PY" -m pip install --quiet -e "$ROOT${1:-}" >&2
    touch "$STAMP"
fi
