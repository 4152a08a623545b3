#!/usr/bin/env bash
# Install everything agentq needs on a Debian-like machine with Python 3.11:
# a Chromium for Playwright (Debian's package when none is found) and a virtual
# environment .venv with the project (and, with --dev, the test tools).
set -euo pipefail
cd "$(dirname "$0")/.."

extra=""
if [[ "${1:-}" == "--dev" ]]; then extra="[dev]"; fi

as_root() { if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [[ $apt_updated == 0 ]]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

have_chromium() {
  [[ -n "${AGENTQ_CHROMIUM:-}" && -x "${AGENTQ_CHROMIUM:-}" ]] && return 0
  compgen -G "${HOME}/.cache/ms-playwright/chromium-*/chrome-linux*/chrome" >/dev/null && return 0
  command -v chromium >/dev/null || command -v chromium-browser >/dev/null
}
if ! have_chromium; then
  echo "agentq: installing Debian's chromium (no browser found)"
  apt_install chromium
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "agentq: needs Python >= 3.11 (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if [[ ! -x .venv/bin/python ]]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    echo "agentq: installing python3-venv"
    apt_install python3-venv
    "$python" -m venv .venv
  fi
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".${extra}"
