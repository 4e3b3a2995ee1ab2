#!/usr/bin/env bash
# The R package (examples/r) as an R user gets it: the library installed into
# a staging prefix, the package built with `R CMD build` and checked with
# `R CMD check --no-manual` against that library only (pkg-config finds it;
# configure gives the package an rpath to it). Fails on any ERROR or
# WARNING; NOTEs are printed. Skips (77) without R, or on a sanitizer build
# (R itself is not built with the sanitizer's runtime), unless
# LM_REQUIRE_R=1.
# Usage: tests/r/run.sh [BUILD_DIR]   (default: build). Run by meson (suite r).
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
skip() {
	if [ "${LM_REQUIRE_R:-0}" = 1 ]; then
		echo "FAIL: $* (LM_REQUIRE_R=1)" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}
command -v R >/dev/null 2>&1 || skip "R is not installed"
sanitize=$(meson introspect "$build" --buildoptions |
	python3 -c 'import json,sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["b_sanitize"])')
[ "$sanitize" = none ] || skip "a -Db_sanitize=$sanitize build cannot be loaded by R"
for p in testthat jsonlite; do
	Rscript -e "quit(status = !requireNamespace('$p', quietly = TRUE))" || skip "R package $p is not installed"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/libra-r.XXXXXX")
trap 'rm -rf "$work"' EXIT
meson install -C "$build" --destdir "$work/stage" --quiet
pcdir=$(dirname "$(find "$work/stage" -name libra_measures.pc | head -n 1)")
export PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$work/stage
# Only the staged library: nothing from the build tree or an installed copy.
unset LD_LIBRARY_PATH
export LIBRA_CLI=$build/examples/libra

cp -R "$src/examples/r" "$work/pkg"
rm -f "$work/pkg/src/Makevars" "$work/pkg/src/"*.o "$work/pkg/src/"*.so
cd "$work"
R CMD build --no-build-vignettes pkg
tarball=$(ls libra.measures_*.tar.gz)
status=0
_R_CHECK_FORCE_SUGGESTS_=false R CMD check --no-manual "$tarball" || status=$?
log=libra.measures.Rcheck/00check.log
[ -f "$log" ] || { echo "FAIL: no check log" >&2; exit 1; }
if [ $status -ne 0 ] || grep -Eq '^Status:.*(ERROR|WARNING)' "$log"; then
	for f in libra.measures.Rcheck/tests/testthat.Rout.fail libra.measures.Rcheck/00install.out; do
		[ -f "$f" ] && { echo "== $f"; tail -n 60 "$f"; }
	done
	echo "FAIL: R CMD check: $(grep '^Status:' "$log")" >&2
	exit 1
fi
echo "== NOTEs (if any):"
grep -B1 -A6 'NOTE$' "$log" || echo "none"
grep '^Status:' "$log"
