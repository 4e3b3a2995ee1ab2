#!/usr/bin/env bash
# Runs one data-driven CLI case: run_case.sh LIBRA CASE_DIR
#
# CASE_DIR holds:
#   args                      the arguments, one per line; @DATA@ is CASE_DIR, @OUT@ a fresh empty directory
#   stdin                     optional: fed to standard input (otherwise /dev/null)
#   out_before                optional: copied to @OUT@/out.csv before the run (an older output)
#   expected_exit             the exit status
#   expected_stdout           optional: standard output, exactly
#   expected_stderr           optional: standard error, exactly
#   expected_stdout_contains  optional: lines that must each appear in standard output
#   expected_stderr_contains  optional: lines that must each appear in standard error
#   expected_output           optional: the exact content of @OUT@/out.csv, which must be the only file in @OUT@
#   expected_file_NAME        optional: the exact content of @OUT@/NAME (e.g. -o @OUT@/out.json, --summary
#                             @OUT@/summary.txt); @OUT@ must then hold exactly these files (and out.csv
#                             with expected_output)
#   env                       optional: VAR=VALUE lines, set for the run (e.g. LC_ALL=de_DE.UTF-8);
#                             @DATA@ and @OUT@ as in args. Definitions are searched for in no
#                             directory of the machine's (LIBRA_MEASURES_PATH empty, XDG_DATA_HOME
#                             a directory that does not exist) unless env says otherwise
#   stdout_to                 optional: a device standard output goes to instead (e.g. /dev/full, to see
#                             that lost output fails the run); the case is skipped where it does not exist
#   expected_no_output        optional (empty): @OUT@ must stay empty — no output, no temporary file left
#   not_under_wrapper         optional: why the case cannot run under LM_CLI_WRAPPER (valgrind); it is
#                             skipped there (e.g. a TMPDIR that does not exist, where valgrind itself
#                             cannot start)
# Before comparing, the absolute paths of CASE_DIR and @OUT@ in the output are
# written back as @DATA@ and @OUT@, so expected files do not depend on the checkout.
set -u

libra=$1
case_dir=$(cd "$2" && pwd)
name=$(basename "$case_dir")
out_dir=$(mktemp -d "${TMPDIR:-/tmp}/libra-cli-$name.XXXXXX")
trap 'rm -rf "$out_dir" "$out_dir.stdout" "$out_dir.stderr"' EXIT
failed=0

fail() {
	printf 'FAIL %s: %s\n' "$name" "$*"
	failed=1
}

args=()
if [ -f "$case_dir/args" ]; then
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line//@DATA@/"$case_dir"}
		line=${line//@OUT@/"$out_dir"}
		args+=("$line")
	done <"$case_dir/args"
fi

[ -f "$case_dir/out_before" ] && cp "$case_dir/out_before" "$out_dir/out.csv"

stdin=/dev/null
[ -f "$case_dir/stdin" ] && stdin=$case_dir/stdin

run_env=(LIBRA_MEASURES_PATH= "XDG_DATA_HOME=$out_dir.no-such-dir")
if [ -f "$case_dir/env" ]; then
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line//@DATA@/"$case_dir"}
		line=${line//@OUT@/"$out_dir"}
		[ -n "$line" ] && run_env+=("$line")
	done <"$case_dir/env"
fi

if [ -n "${LM_CLI_WRAPPER-}" ] && [ -f "$case_dir/not_under_wrapper" ]; then
	printf 'skip %s under %s: %s\n' "$name" "${LM_CLI_WRAPPER%% *}" "$(tr '\n' ' ' <"$case_dir/not_under_wrapper")"
	exit 77
fi

stdout_to=$out_dir.stdout
if [ -f "$case_dir/stdout_to" ]; then
	stdout_to=$(tr -d '\n' <"$case_dir/stdout_to")
	if [ ! -e "$stdout_to" ]; then
		printf 'skip %s: no %s here\n' "$name" "$stdout_to"
		exit 77
	fi
	: >"$out_dir.stdout"
fi

# LM_CLI_WRAPPER: a command to run libra under (valgrind, in `meson test --setup valgrind`).
env ${run_env[@]+"${run_env[@]}"} ${LM_CLI_WRAPPER-} "$libra" "${args[@]}" <"$stdin" >"$stdout_to" 2>"$out_dir.stderr"
status=$?

# A file's exact content (command substitution alone would drop trailing newlines).
content() {
	local text
	text=$(cat "$1" && printf x)
	printf '%s' "${text%x}"
}
normalise() {
	local text
	text=$(content "$1" && printf x)
	text=${text%x}
	text=${text//"$out_dir"/@OUT@}
	text=${text//"$case_dir"/@DATA@}
	printf '%s' "$text"
}
actual_stdout=$(normalise "$out_dir.stdout" && printf x)
actual_stdout=${actual_stdout%x}
actual_stderr=$(normalise "$out_dir.stderr" && printf x)
actual_stderr=${actual_stderr%x}

# LM_UPDATE_EXPECTED=1 rewrites the exact expectations a case already has from
# this run (review the diff before committing it); *_contains files are not touched.
if [ -n "${LM_UPDATE_EXPECTED-}" ]; then
	[ -f "$case_dir/expected_stdout" ] && printf '%s' "$actual_stdout" >"$case_dir/expected_stdout"
	[ -f "$case_dir/expected_stderr" ] && printf '%s' "$actual_stderr" >"$case_dir/expected_stderr"
	[ -f "$case_dir/expected_output" ] && [ -f "$out_dir/out.csv" ] && cp "$out_dir/out.csv" "$case_dir/expected_output"
	for expected in "$case_dir"/expected_file_*; do
		[ -f "$expected" ] && [ -f "$out_dir/${expected##*/expected_file_}" ] && cp "$out_dir/${expected##*/expected_file_}" "$expected"
	done
fi

expected_exit=$(tr -d ' \n' <"$case_dir/expected_exit")
[ "$status" = "$expected_exit" ] || fail "exit status $status, expected $expected_exit"

compare() { # what expected_file actual_text
	if [ "$(content "$2" && printf x)" != "${3}x" ]; then
		fail "$1 differs (expected, actual):"
		diff -u "$2" <(printf '%s' "$3") | tail -n +3
	fi
}
contains() { # what lines_file actual_text
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		[ -z "$line" ] && continue
		[[ "$3" == *"$line"* ]] || fail "$1 lacks: $line"
	done <"$2"
}

[ -f "$case_dir/expected_stdout" ] && compare stdout "$case_dir/expected_stdout" "$actual_stdout"
[ -f "$case_dir/expected_stderr" ] && compare stderr "$case_dir/expected_stderr" "$actual_stderr"
[ -f "$case_dir/expected_stdout_contains" ] && contains stdout "$case_dir/expected_stdout_contains" "$actual_stdout"
[ -f "$case_dir/expected_stderr_contains" ] && contains stderr "$case_dir/expected_stderr_contains" "$actual_stderr"

if [ -f "$case_dir/expected_no_output" ]; then
	left=$(ls -A "$out_dir")
	[ -z "$left" ] && [ ! -e "$out_dir/out.csv" ] || fail "@OUT@ should be empty, holds: $left"
fi
if [ -f "$case_dir/expected_output" ]; then
	if [ ! -f "$out_dir/out.csv" ]; then
		fail "@OUT@/out.csv was not written"
	else
		cmp -s "$case_dir/expected_output" "$out_dir/out.csv" || {
			fail "@OUT@/out.csv differs (expected, actual):"
			diff -u "$case_dir/expected_output" "$out_dir/out.csv" | tail -n +3
		}
	fi
fi
expected_files=()
[ -f "$case_dir/expected_output" ] && expected_files+=(out.csv)
for expected in "$case_dir"/expected_file_*; do
	[ -f "$expected" ] || continue
	file=${expected##*/expected_file_}
	expected_files+=("$file")
	if [ ! -f "$out_dir/$file" ]; then
		fail "@OUT@/$file was not written"
	else
		cmp -s "$expected" "$out_dir/$file" || {
			fail "@OUT@/$file differs (expected, actual):"
			diff -u "$expected" "$out_dir/$file" | tail -n +3
		}
	fi
done
if [ ${#expected_files[@]} -gt 0 ]; then
	left=$(LC_ALL=C ls -A "$out_dir")
	want=$(printf '%s\n' "${expected_files[@]}" | LC_ALL=C sort)
	[ "$left" = "$want" ] || fail "@OUT@ should hold only ${want//$'\n'/ }; holds: ${left//$'\n'/ }"
fi

if [ $failed != 0 ]; then
	printf -- '--- stdout\n%s\n--- stderr\n%s\n' "$actual_stdout" "$actual_stderr"
	exit 1
fi
printf 'ok %s\n' "$name"
