#!/usr/bin/env bash
# The Python package (examples/python) as a Python user gets it: the library
# installed into a staging prefix (meson install --destdir), the package
# pip-installed from a copy of the checkout into a fresh virtual environment
# (offline: --no-build-isolation --no-index, with the system's setuptools,
# numpy and pandas seen through --system-site-packages), then every test of
# examples/python/tests run against that installed package, which finds the
# staged library through the system loader by its soname. Skips (77) when no
# python3 has venv, setuptools, numpy and pandas, or on a sanitizer build,
# unless LM_REQUIRE_PYTHON=1.
# Usage: tests/python/run.sh [BUILD_DIR]   (default: build). Run by meson (suite python).
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
skip() {
	if [ "${LM_REQUIRE_PYTHON:-0}" = 1 ]; then
		echo "FAIL: $* (LM_REQUIRE_PYTHON=1)" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}
sanitize=$(meson introspect "$build" --buildoptions |
	python3 -c 'import json,sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["b_sanitize"])')
[ "$sanitize" = none ] || skip "a -Db_sanitize=$sanitize build cannot be loaded by an uninstrumented python3"

# The first python3 with what the package and its tests need (a pyenv or
# other shim may come first on PATH without them; Debian's is /usr/bin/python3).
py=
for cand in ${LM_PYTHON:-} python3 /usr/bin/python3; do
	command -v "$cand" >/dev/null 2>&1 || continue
	if "$cand" -c 'import venv, ensurepip, setuptools, numpy, pandas' >/dev/null 2>&1; then
		py=$(command -v "$cand")
		break
	fi
done
[ -n "$py" ] || skip "no python3 with venv, setuptools, numpy and pandas (Debian: python3-venv python3-setuptools python3-numpy python3-pandas)"

work=$(mktemp -d "${TMPDIR:-/tmp}/libra-py.XXXXXX")
trap 'rm -rf "$work"' EXIT
meson install -C "$build" --destdir "$work/stage" --quiet
libdir=$(dirname "$(find "$work/stage" -name 'liblibra_measures.so.0' | head -n 1)")
[ -d "$libdir" ] || { echo "FAIL: no liblibra_measures.so.0 in the staging install" >&2; exit 1; }

"$py" -m venv --system-site-packages "$work/venv"
# A copy, so that pip's build files never land in the checkout.
cp -R "$src/examples/python" "$work/pkg"
rm -rf "$work/pkg/build" "$work/pkg/"*.egg-info
"$work/venv/bin/python" -m pip install --quiet --no-build-isolation --no-index --no-deps "$work/pkg"

# Only the installed package and the staged library: nothing from the source
# tree on the path; the library found by the loader as an installed one is.
unset PYTHONPATH LIBRA_MEASURES_LIBRARY
export LD_LIBRARY_PATH=$libdir
export LIBRA_CLI=$build/examples/libra LM_SOURCE_ROOT=$src LM_BUILD_ROOT=$build PYTHONDONTWRITEBYTECODE=1
cd "$work/pkg/tests"
rm -rf "$work/pkg/libra_measures"
"$work/venv/bin/python" - <<'PY'
import libra_measures as lm, sys
assert '/venv/' in lm.__file__, lm.__file__
print('libra_measures %s from %s, library %s' % (lm.__version__, lm.__file__, lm.library_version()))
PY
"$work/venv/bin/python" -m unittest discover -v -s . -p 'test_*.py'
