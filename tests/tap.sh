#!/usr/bin/env bash
# tap.sh PROGRAM [ARGS...]: runs a cmocka test program and passes its TAP on,
# rewriting cmocka 1.1.5's skip lines ("not ok N # SKIP name"), which meson
# counts as failures, into the TAP form of a skip ("ok N # SKIP name").
# Under `meson test --setup valgrind` the program runs under LM_CLI_WRAPPER.
set -o pipefail
${LM_CLI_WRAPPER:-} "$@" | sed -u 's/^not ok \([0-9][0-9]*\) # SKIP/ok \1 # SKIP/'
