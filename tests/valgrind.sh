#!/bin/sh
# The exe_wrapper of `meson test --setup valgrind`: a test program runs under
# valgrind's memcheck; a test script (the CLI cases) runs as it is, and runs
# `libra` under valgrind through LM_CLI_WRAPPER (tests/cli/run_case.sh).
# Any memory error or leak fails the test (exit 99).
vg="valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect"
case "$(basename "$1")" in
bash | sh)
	LM_CLI_WRAPPER=$vg
	export LM_CLI_WRAPPER
	exec "$@"
	;;
*)
	exec $vg "$@"
	;;
esac
