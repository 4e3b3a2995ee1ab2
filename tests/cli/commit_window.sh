#!/usr/bin/env bash
# The one instant at which a killed run can leave a temporary file, made
# long enough to hit every time.
#
#   commit_window.sh LIBRA
#
# On Linux an output's temporary file has no name (O_TMPFILE) until the
# commit gives it one (linkat) and renames it over the output (renameat).
# A SIGKILL between those two system calls, which no handler sees, leaves the
# finished file under its hidden name .NAME.tmp-XXXXXX. tests/cli/
# kill_outputs.sh meets that only by chance; here strace's fault injection
# holds the first renameat for seconds, and the run is killed while it waits.
# Checked: the output is still the old one; the leftover is the finished
# output; the next run to that output removes it. And a run waiting in that
# instant is never robbed by another: its temporary files are locked, the
# other run leaves them alone, and both finish with the new output.
# Skipped (77) without strace or where it cannot trace.
set -u
libra=$1
command -v strace >/dev/null 2>&1 || { echo "strace is not installed: skipped"; exit 77; }
strace -f -o /dev/null -e inject=renameat:delay_enter=1000 true 2>/dev/null ||
	{ echo "strace cannot trace or inject here: skipped"; exit 77; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/libra-window.XXXXXX")
trap 'kill -KILL $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT
failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

header=id
for i in $(seq 1 17); do header="$header,stss_$i"; done
awk -v header="$header" 'BEGIN {
	srand(3); print header
	for (r = 1; r <= 2000; r++) {
		line = sprintf("r%04d", r)
		for (i = 1; i <= 17; i++) line = line "," int(1 + rand() * 5)
		print line
	}
	line = "bad"; for (i = 1; i <= 17; i++) line = line ",9"; print line
}' >"$dir/data.csv"

head -n -1 "$dir/data.csv" >"$dir/good.csv"

# The finished outputs, for comparison: of the file without a rejected row
# (one output), and of the file with one (-o and --rejects, exit status 3).
"$libra" score stss "$dir/good.csv" -o "$dir/good-full.csv" 2>/dev/null || fail "the reference run failed"
"$libra" score stss "$dir/data.csv" -o "$dir/full.csv" --rejects "$dir/full-rej.csv" 2>/dev/null
[ $? = 3 ] || fail "the reference run did not exit 3 (one row rejected)"

# held SECONDS TRACE COMMAND...: run COMMAND with its first renameat held
# for SECONDS, in the background; return when it waits there, with its pid
# in $held_pid.
held() {
	local seconds=$1 trace=$2
	shift 2
	: >"$trace"
	# LeakSanitizer cannot run under ptrace (it aborts at exit): off for the
	# traced run of a sanitizer build; every other test checks for leaks.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -o "$trace" -e trace=linkat,renameat -e inject=renameat:delay_enter="${seconds}000000":when=1 \
		"$@" 2>"$dir/held.err" &
	strace_pid=$!
	held_pid=
	for _ in $(seq 1 400); do
		held_pid=$(awk '/renameat\(/ {print $1; exit}' "$trace")
		[ -n "$held_pid" ] && return 0
		sleep 0.05
	done
	fail "the run never reached its rename"
	return 1
}

temporaries() { (cd "$dir" && ls -A | grep -F ".tmp-" | sort); }

# 1. Killed in the instant, one output, then two (-o and --rejects).
for outputs in one two; do
	printf 'old output\n' >"$dir/out.csv"
	printf 'old rejects\n' >"$dir/rej.csv"
	data=$dir/good.csv full=$dir/good-full.csv extra=()
	[ $outputs = two ] && data=$dir/data.csv full=$dir/full.csv extra=(--rejects "$dir/rej.csv")
	mark=$failed
	if held 60 "$dir/trace" "$libra" score stss "$data" -o "$dir/out.csv" "${extra[@]}"; then
		# The run is killed, then strace (which would sit out its delay):
		# let go, the run sees the SIGKILL before its renameat and dies.
		kill -KILL "$held_pid"
		kill -KILL "$strace_pid"
		wait "$strace_pid" 2>/dev/null
		for _ in $(seq 1 400); do
			[ -e "/proc/$held_pid" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$held_pid/status" 2>/dev/null ||
				break
			sleep 0.05
		done
		left=$(temporaries)
		want=1
		[ $outputs = two ] && want=2
		if [ "$(printf '%s\n' "$left" | grep -c .)" != $want ]; then
			fail "$outputs output(s), killed at the rename: expected $want temporary file(s), found: ${left:-none}"
		fi
		for f in $left; do
			case $f in
			.out.csv.tmp-*) cmp -s "$dir/$f" "$full" || fail "the leftover $f is not the finished output" ;;
			.rej.csv.tmp-*) cmp -s "$dir/$f" "$dir/full-rej.csv" || fail "the leftover $f is not the finished rejects" ;;
			*) fail "unexpected leftover $f" ;;
			esac
		done
		[ "$(cat "$dir/out.csv")" = "old output" ] || fail "$outputs output(s): out.csv changed by a run killed before its rename"
		[ "$(cat "$dir/rej.csv")" = "old rejects" ] || fail "$outputs output(s): rej.csv changed by a run killed before its rename"
		"$libra" score stss "$data" -o "$dir/out.csv" "${extra[@]}" 2>/dev/null
		left=$(temporaries)
		[ -z "$left" ] || fail "$outputs output(s): the next run left the killed run's temporary files: $left"
		cmp -s "$dir/out.csv" "$full" || fail "$outputs output(s): the next run did not write the output"
		[ $failed = $mark ] && echo "ok - $outputs output(s): killed between naming and renaming; the finished file was left and the next run removed it"
	fi
done

# 2. A run waiting in the instant (its files named, closed, not yet renamed)
# while another run to the same outputs finishes: nothing of the first is
# removed, and it finishes too.
printf 'old output\n' >"$dir/out.csv"
mark=$failed
if held 5 "$dir/trace" "$libra" score stss "$dir/data.csv" -o "$dir/out.csv" --rejects "$dir/rej.csv"; then
	waiting=$(temporaries)
	"$libra" score stss "$dir/data.csv" -o "$dir/out.csv" --rejects "$dir/rej.csv" 2>/dev/null
	[ "$(temporaries)" = "$waiting" ] || fail "another run removed the waiting run's temporary files ($waiting; now: $(temporaries))"
	wait "$strace_pid" 2>/dev/null
	status=$?
	[ $status = 3 ] || fail "the run that waited at its rename exited $status, not 3:" "$(tail -5 "$dir/held.err")"
	left=$(temporaries)
	[ -z "$left" ] || fail "temporary files left after both runs: $left"
	cmp -s "$dir/out.csv" "$dir/full.csv" || fail "out.csv is not the finished output after both runs"
	cmp -s "$dir/rej.csv" "$dir/full-rej.csv" || fail "rej.csv is not the finished rejects after both runs"
	[ $failed = $mark ] && echo "ok - a run waiting at its rename keeps its temporary files while another run finishes, then finishes"
fi
[ $failed = 0 ]
