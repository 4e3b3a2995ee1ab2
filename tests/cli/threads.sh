#!/bin/bash
# `libra score --threads N`: the same output, rejects file, messages and exit
# status for every N, on a table of many parts (several MiB) with quoted line
# breaks, CRLF, empty lines, bad values and rows of the wrong width — read
# from a file and from a pipe. (tests/test_pipeline.c does the same through
# the API with parts of every size.)
#
#   tests/cli/threads.sh LIBRA
set -eu
libra=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/libra-threads.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# 60 000 rows, about 3 MiB: a dozen parts of 256 KiB.
awk 'BEGIN {
	srand(7);
	printf "id,grp"; for (i = 1; i <= 17; i++) printf ",stss_%d", i; printf "\r\n";
	for (r = 1; r <= 60000; r++) {
		k = int(rand() * 500);
		if (k == 0) { printf "\r\n\r\n"; continue }
		if (k == 1) { printf "\"R%d\r\nsecond \"\"line\"\"\"", r } else printf "R%d", r;
		printf ",%s", (k == 2 ? "\"team\n2\"" : (rand() < 0.5 ? "a" : "b"));
		n = (k == 3 ? 16 : 17);
		for (i = 1; i <= n; i++) {
			v = rand();
			if (v < 0.99) printf ",%d", 1 + int(rand() * 5);
			else if (v < 0.995) printf ",";
			else if (v < 0.998) printf ",NA";
			else printf ",9";
		}
		printf "\r\n";
	}
}' >"$tmp/data.csv"

run() { # NAME THREADS [ARGS...]
	local name=$1 threads=$2
	shift 2
	mkdir "$tmp/$name"
	set +e
	"$libra" score stss "$@" --threads "$threads" -o "$tmp/$name/out.csv" --rejects "$tmp/$name/rejects.csv" \
		--keep grp >"$tmp/$name/stdout" 2>"$tmp/$name/stderr"
	echo $? >"$tmp/$name/exit"
	set -e
	# The messages name the files of the run: the same names in every run.
	sed -i "s|$tmp/$name/|OUT/|g" "$tmp/$name/stderr"
}

fail=0
run one 1 "$tmp/data.csv"
[ "$(cat "$tmp/one/exit")" = 3 ] || { echo "expected exit 3 (rows rejected), got $(cat "$tmp/one/exit")"; fail=1; }
[ "$(wc -l <"$tmp/one/out.csv")" -gt 50000 ] || { echo "too few rows scored"; fail=1; }
grep -q 'if "NA" means missing' "$tmp/one/stderr" || { echo "no missing-value hint"; fail=1; }
for threads in 2 3 8; do
	run "file$threads" "$threads" "$tmp/data.csv"
	run "pipe$threads" "$threads" - <"$tmp/data.csv"
	for name in "file$threads" "pipe$threads"; do
		for f in out.csv rejects.csv stdout exit stderr; do
			want=$tmp/one/$f
			[ "$name" = "pipe$threads" ] && [ "$f" = stderr ] && {
				# A pipe is named <stdin> where the file is named by its path.
				sed "s|$tmp/data.csv|<stdin>|g" "$tmp/one/stderr" >"$tmp/stderr.pipe"
				want=$tmp/stderr.pipe
			}
			if ! cmp -s "$want" "$tmp/$name/$f"; then
				echo "--threads $threads ($name): $f differs from --threads 1"
				diff "$want" "$tmp/$name/$f" | head -n 10
				fail=1
			fi
		done
	done
done
[ $fail = 0 ] && echo "threads: the same output for 1, 2, 3 and 8 threads, from a file and a pipe"
exit $fail
