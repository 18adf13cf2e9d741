#!/usr/bin/env bash
# The Python package (clients/python) at both ends of its declared range: builds the wheel and sdist once, then in
# two fresh virtual environments — the lowest declared versions (constraints-lowest.txt) and the newest on PyPI —
# installs THAT wheel with its extras and runs ruff, mypy --strict and pytest (unit tests, all conformance cases, the
# follower against private redis-servers, the FastAPI dependency and the ASGI middleware).
# Needs python3 (with venv), redis-server on the PATH, and PyPI. Usage: clients/python/ci.sh
set -euo pipefail
cd "$(dirname "$0")"
python=${PYTHON:-python3}
work=${KEYCLOAK_GUARD_PY_WORK:-.ci}
mkdir -p "$work"
started=$(date +%s)

echo "[python] build: wheel and sdist"
"$python" -m venv --clear "$work/venv-build"
"$work/venv-build/bin/pip" install -q -U pip build
rm -rf dist
"$work/venv-build/bin/python" -m build -q --outdir dist . >/dev/null
wheel=$(ls dist/keycloak_guard-*-py3-none-any.whl)
echo "[python] built $(ls dist | tr '\n' ' ')"

tools=(pytest anyio httpx ruff mypy)
check() {
  local name=$1
  shift
  local venv="$work/venv-$name"
  echo "[python] $name: installing $wheel[fastapi,prometheus] $*"
  "$python" -m venv --clear "$venv"
  "$venv/bin/pip" install -q -U pip
  "$venv/bin/pip" install -q "$@" "$wheel[fastapi,prometheus]" "${tools[@]}"
  "$venv/bin/pip" list --format=freeze 2>/dev/null \
    | grep -iE '^(pyjwt|redis|cryptography|fastapi|starlette|pydantic|prometheus-client|httpx)==' | tr '\n' ' '
  echo
  echo "[python] $name: ruff"
  "$venv/bin/ruff" check .
  echo "[python] $name: mypy --strict"
  # Against the installed package (what ships), not the source tree.
  "$venv/bin/mypy" --strict --python-version 3.10 --no-incremental -p keycloak_guard \
    --python-executable "$venv/bin/python"
  "$venv/bin/mypy" --no-incremental tests bench
  echo "[python] $name: pytest"
  # -p no:cacheprovider: nothing written into the source tree; the tests import the installed wheel.
  "$venv/bin/python" -m pytest -q -p no:cacheprovider tests
}

check lowest -c constraints-lowest.txt
check newest
echo "[python] both ends passed in $(( $(date +%s) - started )) s"
