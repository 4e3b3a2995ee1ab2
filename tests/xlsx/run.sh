#!/usr/bin/env bash
# Workbooks written by openpyxl, read back (openpyxl_check.py). Skips (77)
# when the build has no xlsx support or no python3 has openpyxl (Debian:
# python3-openpyxl), unless LM_REQUIRE_OPENPYXL=1.
# Usage: tests/xlsx/run.sh DUMP LIBRA HAS_XLSX
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
skip() {
	if [ "${LM_REQUIRE_OPENPYXL:-0}" = 1 ]; then
		echo "FAIL: $* (LM_REQUIRE_OPENPYXL=1)" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}
[ "$3" = 1 ] || skip "this build does not read workbooks (-Dxlsx)"
py=
# A pyenv or other shim may come first on PATH without openpyxl; Debian's is /usr/bin/python3.
for cand in ${LM_PYTHON:-} python3 /usr/bin/python3; do
	if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import openpyxl' >/dev/null 2>&1; then
		py=$(command -v "$cand")
		break
	fi
done
[ -n "$py" ] || skip "no python3 with openpyxl (Debian: python3-openpyxl)"
exec "$py" "$here/openpyxl_check.py" "$1" "$2" "$(cd "$here/../.." && pwd)"
