#!/usr/bin/env bash
# Prints the CLI case folders under CASES_DIR, one name a line, sorted
# bytewise (LC_ALL=C) so the configured list does not depend on the locale.
# Meson runs this at configure time to register one test per folder, and
# check_cases.sh runs it again at test time to catch folders added since.
set -eu
cd "$1"
for d in */; do
	[ -d "$d" ] && printf '%s\n' "${d%/}"
done | LC_ALL=C sort
