#!/usr/bin/env bash
# A run killed at any point leaves the old output whole, or the new output
# whole: never a cut-short file. Inputs are never modified.
#
#   kill_outputs.sh LIBRA
#
# Scores a generated STSS file of 200,000 respondents (and runs prepost on two
# such waves) with -o over an existing older output, sends SIGKILL after
# delays from 0 to about the run's own length, and after each kill compares
# the output with the old text and with a finished run's text. A killed run
# leaves no hidden temporary file (.NAME.tmp-*) beside the output, and never
# the output itself in part. Nor does a killed run leave a temporary file:
# on Linux they have no name before the commit (O_TMPFILE); elsewhere libra
# removes them on the signals it can catch (SIGTERM is tried too).
#
# The one exception is the instant of the commit itself: the finished file is
# given its hidden name (linkat) and renamed over the output (renameat), two
# system calls that no process can make one. A SIGKILL between them, which no
# handler sees, leaves the finished, durable file under its hidden name; the
# next run to the same output removes it. So a leftover after a SIGKILL passes
# only if it is that: one file, byte for byte the finished output, beside the
# old output, and gone after the next run.
set -u
libra=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/libra-kill.XXXXXX")
trap 'rm -rf "$dir"' EXIT
failed=0

header=id
for i in $(seq 1 17); do header="$header,stss_$i"; done
make_wave() {
	awk -v seed="$1" -v header="$header" 'BEGIN {
		srand(seed); print header
		for (r = 1; r <= 200000; r++) {
			line = sprintf("r%06d", r)
			for (i = 1; i <= 17; i++) line = line "," int(1 + rand() * 5)
			print line
		}
	}'
}
make_wave 1 >"$dir/pre.csv"
make_wave 2 >"$dir/post.csv"
pre_sum=$(sha256sum <"$dir/pre.csv")
post_sum=$(sha256sum <"$dir/post.csv")

check() { # NAME OUT SIGNAL COMMAND...: the command writes $dir/OUT
	local name=$1 out=$2 sig=$3
	shift 3
	printf 'old output\n' >"$dir/old"
	"$@" -o "$dir/full" || { echo "FAIL $name: the unkilled run failed"; failed=1; return; }
	local kills=0 old=0 new=0 window=0
	for delay in 0.001 0.002 0.005 0.01 0.02 0.03 0.05 0.08 0.12 0.17 0.25 0.35 0.5 0.8 1.2; do
		rm -f "$dir/$out" "$dir"/.$out.tmp-*
		cp "$dir/old" "$dir/$out"
		timeout -s "$sig" "$delay" "$@" -o "$dir/$out"
		status=$?
		[ $status = 124 ] || [ $status = 137 ] && kills=$((kills + 1))
		left=$(cd "$dir" && ls -A | grep -F ".$out.tmp-")
		if [ -n "$left" ]; then
			if [ "$sig" = KILL ] && [ "$(printf '%s\n' "$left" | wc -l)" = 1 ] &&
				cmp -s "$dir/$left" "$dir/full" && cmp -s "$dir/$out" "$dir/old"; then
				# Killed between naming and renaming: the next run cleans up.
				window=$((window + 1))
				"$@" -o "$dir/$out" || { echo "FAIL $name: the run after the kill failed"; failed=1; }
				if [ -e "$dir/$left" ]; then
					echo "FAIL $name: the temporary file $left left by a KILL at ${delay}s was not removed by the next run"
					failed=1
				fi
				cmp -s "$dir/$out" "$dir/full" || { echo "FAIL $name: the run after the kill wrote another output"; failed=1; }
				cp "$dir/old" "$dir/$out" # so that the tally below counts this kill
			else
				echo "FAIL $name: after a $sig at ${delay}s (exit $status) a temporary file was left: $left"
				failed=1
			fi
		fi
		if cmp -s "$dir/$out" "$dir/old"; then
			old=$((old + 1))
		elif cmp -s "$dir/$out" "$dir/full"; then
			new=$((new + 1))
		else
			echo "FAIL $name: after a kill at ${delay}s (exit $status) $out is neither the old nor the new output ($(wc -c <"$dir/$out") bytes)"
			failed=1
		fi
	done
	if [ $kills = 0 ]; then
		echo "FAIL $name: no run was killed before it finished"
		failed=1
		return
	fi
	echo "ok - $name: $kills runs killed; output old after $old, new after $new;" \
		"killed between naming and renaming (finished file left, removed by the next run): $window"
}

# (Standard error off: bash reports each killed job there.)
check "score -o" out.csv KILL "$libra" score stss "$dir/pre.csv" 2>/dev/null
check "score --format json -o" out.json KILL "$libra" score stss "$dir/pre.csv" --format json 2>/dev/null
check "prepost -o" prepost.json KILL "$libra" prepost stss "$dir/pre.csv" "$dir/post.csv" 2>/dev/null
check "score -o, SIGTERM" out.csv TERM "$libra" score stss "$dir/pre.csv" 2>/dev/null

[ "$(sha256sum <"$dir/pre.csv")" = "$pre_sum" ] || { echo "FAIL: the input pre.csv was modified"; failed=1; }
[ "$(sha256sum <"$dir/post.csv")" = "$post_sum" ] || { echo "FAIL: the input post.csv was modified"; failed=1; }
exit $failed
