#!/usr/bin/env bash
# Bootstrap a fresh checkout: system packages (apt, when root), .venv, the project and its dev tools.
# Idempotent and quick when nothing changed: the venv is reinstalled only when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")/.."

# Qt offscreen + real windows under Xvfb, fonts (no boxes for glyphs), poppler (pdftoppm, pdfsig) and NSS certutil
# for the independent signature check in the tests, venv for Debian's Python.
APT_PACKAGES=(
  libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0 fonts-dejavu-core
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-xkb1 libxkbcommon-x11-0
  libxcb-shape0 xvfb xauth poppler-utils libnss3-tools
)
# `make test-server` also needs a PostgreSQL server to start a throwaway cluster from (initdb, pg_ctl).
if [ "${PATHWAYS_WITH_SERVER:-}" = "1" ]; then
  APT_PACKAGES+=(postgresql-15)
fi
# Used by the tests only (never by the app): LibreOffice Calc, headless, to check that exported plans open cleanly.
# Without root it is not required: the test that needs it is skipped and says why.
TEST_APT_PACKAGES=(libreoffice-calc-nogui)

pick_python() {
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "$(id -u)" = "0" ]; then
    for pkg in "${TEST_APT_PACKAGES[@]}"; do
      dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
  elif ! command -v soffice >/dev/null 2>&1; then
    echo "bootstrap: note: the LibreOffice export test will be skipped; to run it:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${TEST_APT_PACKAGES[*]}" >&2
  fi
  PY="$(pick_python || true)"
  if [ -z "$PY" ]; then
    missing+=(python3 python3-venv)
  elif ! "$PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=("$(basename "$PY")-venv")
  fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "bootstrap: installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: these system packages are needed; install them and run make again:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

PY="$(pick_python)" || { echo "bootstrap: Python 3.11 or newer is needed" >&2; exit 1; }
STAMP=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $PY"
  "$PY" -m venv .venv
fi
if [ ! -f "$STAMP" ]; then
  echo "bootstrap: installing Pathways and its tools into .venv (about a minute the first time)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$STAMP"
fi
