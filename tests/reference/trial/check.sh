#!/usr/bin/env bash
# Re-makes the trial reference files (generate.R) of DIR (default: this
# script's directory; also tests/reference/trial-waves) in a temporary
# directory and compares them with the committed ones: the datasets byte for
# byte, R's results (ancova.csv, icc.csv, *.ref.csv) to 1e-10 relative
# (another BLAS or R version may move the last bits; the C tests hold the
# library to 1e-9). Skips (77) without Rscript or clubSandwich, unless
# LM_REQUIRE_R=1.
# Usage: tests/reference/trial/check.sh [DIR]   Run by meson (suite r).
set -euo pipefail

here=$(cd "${1:-$(dirname "$0")}" && pwd)
skip() {
	if [ "${LM_REQUIRE_R:-0}" = 1 ]; then
		echo "FAIL: $* (LM_REQUIRE_R=1)" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}
command -v Rscript >/dev/null 2>&1 || skip "Rscript is not installed"
Rscript -e "quit(status = !requireNamespace('clubSandwich', quietly = TRUE))" >/dev/null 2>&1 ||
	skip "R package clubSandwich is not installed"

work=$(mktemp -d "${TMPDIR:-/tmp}/libra-trial.XXXXXX")
trap 'rm -rf "$work"' EXIT
Rscript "$here/generate.R" "$work"

status=0
for new in "$work"/*.csv; do
	name=$(basename "$new")
	old=$here/$name
	if [ ! -f "$old" ]; then
		echo "FAIL: generate.R writes $name, which is not committed" >&2
		status=1
		continue
	fi
	case $name in
	ancova.csv | icc.csv | *.ref.csv)
		# Field by field: the same text, or numbers within 1e-10.
		if ! awk -F, -v file="$name" '
			NR == FNR { line[FNR] = $0; n = FNR; next }
			{
				if (FNR > n) { print file ": extra line " FNR; bad = 1; next }
				k = split(line[FNR], a, ","); if (k != NF) { print file ":" FNR ": fields"; bad = 1; next }
				for (i = 1; i <= NF; i++) {
					if (a[i] == $i) continue
					x = a[i] + 0; y = $i + 0
					if (a[i] ~ /^-?[0-9.]/ && $i ~ /^-?[0-9.]/) {
						d = x - y; if (d < 0) d = -d
						m = x < 0 ? -x : x; if ((y < 0 ? -y : y) > m) m = (y < 0 ? -y : y)
						if (d <= 1e-10 * m) continue
					}
					print file ":" FNR ": field " i ": committed " a[i] ", R now " $i; bad = 1
				}
			}
			END { if (FNR < n) { print file ": lines missing"; bad = 1 }; exit bad }' "$old" "$new"; then
			status=1
		fi
		;;
	*)
		cmp -s "$old" "$new" || { echo "FAIL: $name differs from what generate.R makes now" >&2; status=1; }
		;;
	esac
done
for old in "$here"/*.csv; do
	[ -f "$work/$(basename "$old")" ] || { echo "FAIL: $(basename "$old") is no longer made" >&2; status=1; }
done
[ $status = 0 ] && echo "reference files of $here: as generate.R makes them"
exit $status
