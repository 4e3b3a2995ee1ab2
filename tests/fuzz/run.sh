#!/usr/bin/env bash
# Run the libFuzzer targets (tests/fuzz/README.md).
#
# usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# BUILD_DIR is a build configured with -Dfuzzing=true (clang), e.g.
#   CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
# Each TARGET (default: fuzz_load fuzz_table fuzz_score fuzz_batch fuzz_pipeline, and fuzz_xlsx when the
# build has it) runs for SECONDS,
# one after the other, from a scratch copy of its seed corpus and kept crash
# inputs (the committed corpus is never modified). Prints per target the
# seconds run, executions, coverage and whether it crashed; exits 1 when any
# target crashed (the crash input's path, the input itself as base64 and the
# failed check or sanitizer report are printed), 2 on a usage error.
#
# The scratch directory is $FUZZ_WORK if set (kept), else a temporary one,
# removed unless a target crashed. Extra libFuzzer flags: $FUZZ_FLAGS.
set -uo pipefail

if [ $# -lt 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
	echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
	exit 2
fi
build=$1
seconds=$2
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	targets=(fuzz_load fuzz_table fuzz_score fuzz_batch fuzz_pipeline)
	[ -x "$build/tests/fuzz/fuzz_xlsx" ] && targets+=(fuzz_xlsx)
fi
here=$(cd "$(dirname "$0")" && pwd)

for t in "${targets[@]}"; do
	if [ ! -x "$build/tests/fuzz/$t" ]; then
		echo "$0: no $build/tests/fuzz/$t: build with -Dfuzzing=true (CC=clang) and ninja -C $build" >&2
		exit 2
	fi
done

if [ -n "${FUZZ_WORK:-}" ]; then
	work=$FUZZ_WORK
	keep=1
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/libra-fuzz.XXXXXX")
	keep=0
fi

# UB is a crash, not a message; leaks are checked after every input.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}

crashed=0
for t in "${targets[@]}"; do
	dir=$work/$t
	rm -rf "$dir"
	mkdir -p "$dir/corpus" "$dir/artifacts"
	cp "$here/corpus/$t"/* "$dir/corpus/"
	find "$here/crashes/$t" -maxdepth 1 -type f ! -name 'README*' ! -name '.*' -exec cp {} "$dir/corpus/" \;
	flags=(-max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=30
		-print_final_stats=1 -artifact_prefix="$dir/artifacts/")
	[ -f "$here/$t.dict" ] && flags+=(-dict="$here/$t.dict")
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$build/tests/fuzz/$t" "${flags[@]}" ${FUZZ_FLAGS:-} "$dir/corpus" >"$dir/log" 2>&1
	rc=$?
	elapsed=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[^ ]*' "$dir/log" | tail -n 1)
	artifacts=$(find "$dir/artifacts" -type f | sort)
	if [ $rc -eq 0 ] && [ -z "$artifacts" ]; then
		echo "$t: ${elapsed} s, ${execs:-?} executions, ${cov:-no coverage line}: no crash"
	else
		crashed=1
		echo "$t: ${elapsed} s, ${execs:-?} executions, ${cov:-no coverage line}: CRASH (exit $rc)"
		for a in $artifacts; do
			echo "  input: $a"
			# The input itself, so that a crash seen only in a CI log can be
			# replayed: base64 -d > file; build/tests/fuzz/replay-T file.
			echo "  input as base64 ($(stat -c %s "$a") bytes):"
			head -c 16384 "$a" | base64 -w 76 | sed 's/^/    /'
		done
		echo "  log: $dir/log"
		# The report and what came just before it (a failed check of the
		# target or of a sanitizer prints its reason there), without the
		# fuzzer's progress lines.
		grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|INITED|RELOAD)' "$dir/log" |
			grep -m 1 -B 12 -A 12 -E 'ERROR: |runtime error' | sed 's/^/  /'
	fi
done

if [ $crashed -eq 0 ] && [ $keep -eq 0 ]; then
	rm -rf "$work"
else
	echo "scratch directory: $work"
fi
exit $crashed
