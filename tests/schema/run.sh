#!/usr/bin/env bash
# The definition schema's test (check_schema.py, TAP). Skips (77) when no
# python3 has jsonschema (4.0 or later, for draft 2020-12) and PyYAML (Debian:
# python3-jsonschema python3-yaml), unless LM_REQUIRE_JSONSCHEMA=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=
# A pyenv or other shim may come first on PATH without them; Debian's is /usr/bin/python3.
for cand in ${LM_PYTHON:-} python3 /usr/bin/python3; do
	if command -v "$cand" >/dev/null 2>&1 &&
		"$cand" -c 'import yaml, jsonschema; jsonschema.Draft202012Validator' >/dev/null 2>&1; then
		py=$(command -v "$cand")
		break
	fi
done
if [ -z "$py" ]; then
	if [ "${LM_REQUIRE_JSONSCHEMA:-0}" = 1 ]; then
		echo "FAIL: no python3 with jsonschema >= 4 and yaml (LM_REQUIRE_JSONSCHEMA=1)" >&2
		exit 1
	fi
	echo "1..0 # SKIP no python3 with jsonschema >= 4 and yaml (Debian: python3-jsonschema python3-yaml)"
	exit 77
fi
exec "$py" "$here/check_schema.py" "$(cd "$here/../.." && pwd)"
