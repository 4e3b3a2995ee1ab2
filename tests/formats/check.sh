#!/usr/bin/env bash
# Scores and pre/post respondent tables written by the command line as
# Excel, SPSS and Stata files, read back by other tools and compared cell by
# cell with the CSV the same run writes: workbooks with openpyxl
# (check_xlsx.py), SPSS and Stata files with R's haven (check_haven.R).
# Each part skips when its tool is missing (exit 77 when both do), or when
# the library was built without the format; with LM_REQUIRE_FORMATS=1 a
# missing tool fails instead.
# Usage: tests/formats/check.sh LIBRA   (run by meson, suite formats)
set -euo pipefail

libra=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/libra-formats.XXXXXX")
trap 'rm -rf "$work"' EXIT
ran=0
missing() {
	if [ "${LM_REQUIRE_FORMATS:-0}" = 1 ]; then
		echo "FAIL: $* (LM_REQUIRE_FORMATS=1)" >&2
		exit 1
	fi
	echo "skip: $*"
}

# The band labels of the instrument, by band id: the CSV has ids, the
# workbooks and value labels the labels.
sed -n 's/^ *- {id: \([^,]*\), label: \([^,]*\), min:.*/\1\t\2/p' "$here/../../instruments/stss.yaml" >"$work/bands.tsv"
[ -s "$work/bands.tsv" ] || { echo "FAIL: no bands read from stss.yaml" >&2; exit 1; }

# score: CSV and the three formats from the same run's data; prepost: the respondent table.
"$libra" score stss "$here/score.csv" --keep group -o "$work/score.csv" 2>/dev/null
prepost() { "$libra" prepost stss "$here/pre.csv" "$here/post.csv" --group-column group --keep team,site "$@" \
	2>/dev/null; }
prepost --format csv -o "$work/prepost.csv"
built() { "$libra" score stss "$here/score.csv" -o "$work/probe.$1" 2>/dev/null; }

if built xlsx; then
	py=
	for p in python3 /usr/bin/python3; do
		if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import openpyxl' 2>/dev/null; then
			py=$p
			break
		fi
	done
	if [ -n "$py" ]; then
		"$libra" score stss "$here/score.csv" --keep group -o "$work/score.xlsx" 2>/dev/null
		prepost -o "$work/prepost.xlsx"
		"$py" "$here/check_xlsx.py" "$work/score.csv" "$work/score.xlsx" "$work/bands.tsv"
		"$py" "$here/check_xlsx.py" "$work/prepost.csv" "$work/prepost.xlsx" "$work/bands.tsv"
		ran=1
	else
		missing "no python3 with openpyxl (Debian python3-openpyxl)"
	fi
else
	echo "skip: built without libxlsxwriter"
fi

if built sav; then
	if command -v Rscript >/dev/null 2>&1 && Rscript -e 'quit(status = !requireNamespace("haven", quietly = TRUE))'; then
		for f in sav dta; do
			"$libra" score stss "$here/score.csv" --keep group -o "$work/score.$f" 2>/dev/null
			prepost -o "$work/prepost.$f"
			Rscript "$here/check_haven.R" "$work/score.csv" "$work/score.$f" "$work/bands.tsv"
			Rscript "$here/check_haven.R" "$work/prepost.csv" "$work/prepost.$f" "$work/bands.tsv"
		done
		ran=1
	else
		missing "no R with haven (Debian r-cran-haven)"
	fi
else
	echo "skip: built without ReadStat"
fi
[ $ran = 1 ] || exit 77
echo "ok"
