#!/bin/sh
# Instruction-count regression guard for the scorer.
#
#   tests/bench/callgrind_guard.sh [BUILD_DIR] [--update]
#
# Generates a fixed STSS file of 100 000 respondents (tests/bench/gen.c,
# seed 1, 2 % blank cells), runs `libra score stss FILE -o OUT --threads 1`
# under valgrind --tool=callgrind (instruction counts, unlike times, are
# stable on shared machines), and fails when the instructions per row exceed
# the committed baseline (tests/bench/callgrind_baseline.txt) by more than
# 10 %. Then the threaded path (--threads 2: the input in parts on two
# workers): its instructions, all threads together, may exceed the
# single-threaded run's by at most 15 % (what cutting, handing on and
# merging the parts costs), and its output must be the same bytes.
# --update writes the measured count as the new baseline. The count covers
# the whole process (start-up, reading the definition, writing the output).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build
update=0
for a in "$@"; do
	case $a in
	--update) update=1 ;;
	*) build=$a ;;
	esac
done
libra=$build/examples/libra
baseline_file=$here/callgrind_baseline.txt
rows=100000
limit_pct=10

command -v valgrind >/dev/null || { echo "callgrind_guard: valgrind is not installed" >&2; exit 2; }
[ -x "$libra" ] || { echo "callgrind_guard: no $libra (build first)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/libra-callgrind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
${CC:-cc} -O2 -o "$tmp/gen" "$here/gen.c"
"$tmp/gen" stss 17 $rows 1 20 >"$tmp/data.csv"

valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
	"$libra" score stss "$tmp/data.csv" -o "$tmp/scores.csv" --threads 1 2>"$tmp/valgrind.log" || {
	cat "$tmp/valgrind.log" >&2
	exit 2
}
total=$(awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.out")
[ -n "$total" ] || { echo "callgrind_guard: no totals in the callgrind output" >&2; exit 2; }
per_row=$(awk -v t="$total" -v n=$rows 'BEGIN { printf "%.1f", t / n }')

if [ $update = 1 ]; then
	{
		echo "# Instructions per row of 'libra score stss' on the 1e5-row file of"
		echo "# tests/bench/callgrind_guard.sh (whole process / rows), from valgrind"
		echo "# --tool=callgrind. Written by: tests/bench/callgrind_guard.sh --update"
		echo "# ($(${CC:-cc} --version | head -n1); $(valgrind --version); $(date -u +%Y-%m-%d))"
		echo "$per_row"
	} >"$baseline_file"
	echo "callgrind_guard: baseline updated: $per_row instructions/row ($total in all)"
	exit 0
fi

baseline=$(grep -v '^#' "$baseline_file" | head -n1)
limit=$(awk -v b="$baseline" -v p=$limit_pct 'BEGIN { printf "%.1f", b * (1 + p / 100) }')
echo "callgrind_guard: $per_row instructions/row ($total in all); baseline $baseline, limit $limit (+$limit_pct %)"
if awk -v x="$per_row" -v l="$limit" 'BEGIN { exit !(x > l) }'; then
	echo "callgrind_guard: FAIL: instructions per row grew more than $limit_pct % over the baseline" >&2
	exit 1
fi

valgrind --tool=callgrind --callgrind-out-file="$tmp/cg2.out" \
	"$libra" score stss "$tmp/data.csv" -o "$tmp/scores2.csv" --threads 2 2>"$tmp/valgrind2.log" || {
	cat "$tmp/valgrind2.log" >&2
	exit 2
}
total2=$(awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg2.out")
per_row2=$(awk -v t="$total2" -v n=$rows 'BEGIN { printf "%.1f", t / n }')
echo "callgrind_guard: --threads 2: $per_row2 instructions/row, all threads ($total2 in all)"
cmp -s "$tmp/scores.csv" "$tmp/scores2.csv" || {
	echo "callgrind_guard: FAIL: --threads 2 wrote other bytes than --threads 1" >&2
	exit 1
}
if awk -v x="$total2" -v t="$total" 'BEGIN { exit !(x > t * 1.15) }'; then
	echo "callgrind_guard: FAIL: the threaded path costs more than 15 % over one thread" >&2
	exit 1
fi
echo "callgrind_guard: ok"
