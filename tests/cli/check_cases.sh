#!/usr/bin/env bash
# check_cases.sh CASES_DIR CONFIGURED_LIST: fails when the case folders on
# disk differ from the ones meson registered at configure time (a folder
# added or removed without reconfiguring would otherwise silently not run).
set -u
here=$(dirname "$0")
now=$(bash "$here/list_cases.sh" "$1") || { echo "cannot list $1" >&2; exit 1; }
if [ "$now" != "$2" ]; then
	echo "CLI case folders changed since meson was configured:" >&2
	diff <(printf '%s\n' "$2") <(printf '%s\n' "$now") | sed -n 's/^< /  no longer a folder: /p; s/^> /  not registered: /p' >&2
	echo "run \`meson setup --reconfigure build\` so every case folder is a test" >&2
	exit 1
fi
echo "$(printf '%s\n' "$now" | wc -l) case folders, all registered"
