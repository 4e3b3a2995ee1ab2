#!/usr/bin/env bash
# Installed use, as another project sees the library:
#   1. install the build into a staging directory (meson install --destdir);
#   2. build examples/embed.c against it with `pkg-config --cflags --libs libra_measures`
#      only, and run it; a program checks that the installed headers, library and .pc agree on
#      the version; the Python module loads the installed library by soname;
#   3. build tests/install/subproject, which gets the library as a meson subproject
#      (dependency('libra_measures') with the wrap fallback), and run it;
#   4. configure a second build with a prefix the loader does not search, install it
#      there (no --destdir) and run the installed libra without LD_LIBRARY_PATH: it
#      finds its library through its run path.
# Usage: tests/install/run.sh [BUILD_DIR]   (default: build). Run by .ci/run.
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/libra-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage=$work/stage

step() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# --- 1. staging install ---------------------------------------------------
step "meson install --destdir $stage"
meson install -C "$build" --destdir "$stage" --quiet
read -r prefix libdir < <(meson introspect "$build" --buildoptions | python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
libdir = o["libdir"] if o["libdir"].startswith("/") else o["prefix"] + "/" + o["libdir"]
print(o["prefix"], libdir)')
pcdir=$stage$libdir/pkgconfig
[ -f "$pcdir/libra_measures.pc" ] || fail "no libra_measures.pc in $pcdir"

# The .pc names the configured prefix; PKG_CONFIG_SYSROOT_DIR puts the staging
# directory in front of its -I and -L. PKG_CONFIG_PATH comes before the system's
# directories, so an installed libra_measures cannot stand in for this one.
export PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$stage
flags=$(pkg-config --cflags --libs libra_measures)
step "pkg-config --cflags --libs libra_measures: $flags"
case $flags in *"$stage"*) ;; *) fail "the flags do not point into the staging directory" ;; esac
case $flags in *"$build"*|*"$src/include"*) fail "the flags point into the source or build tree" ;; esac
export LD_LIBRARY_PATH=$stage$libdir

# --- 2. C programs against the installed files only ----------------------
step "cc examples/embed.c \$(pkg-config ...)"
# shellcheck disable=SC2086 # the flags are words
cc "$src/examples/embed.c" -o "$work/embed" $flags
"$work/embed" >"$work/embed.out"
"$build/examples/embed-example" >"$work/embed-built.out"
diff -u "$work/embed-built.out" "$work/embed.out" || fail "the installed example prints otherwise than the built one"
libs=$(ldd "$work/embed")
case $libs in *"liblibra_measures.so."*" => $stage"*) ;; *) printf '%s\n' "$libs"; fail "embed does not use the staged library" ;; esac
cat "$work/embed.out"

step "installed headers, library and pkg-config agree on the version"
cat >"$work/version.c" <<'EOF'
#include <libra_measures/libra_measures.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	printf("headers %s, library %s, pkg-config %s\n", LM_VERSION_STRING, lm_version_string(), argv[1]);
	return argc == 2 && strcmp(LM_VERSION_STRING, lm_version_string()) == 0 &&
	       strcmp(LM_VERSION_STRING, argv[1]) == 0 ? 0 : 1;
}
EOF
# shellcheck disable=SC2086
cc -std=c11 -pedantic -Wall -Wextra -Werror "$work/version.c" -o "$work/version" $flags
"$work/version" "$(pkg-config --modversion libra_measures)"

step "installed command line"
"$stage$prefix/bin/libra" --version
mandir=$(meson introspect "$build" --buildoptions | python3 -c '
import json, sys
print({x["name"]: x["value"] for x in json.load(sys.stdin)}["mandir"])')
case $mandir in /*) ;; *) mandir=$prefix/$mandir ;; esac
[ -s "$stage$mandir/man1/libra.1" ] || fail "no manual page $mandir/man1/libra.1"
grep -q '^\.TH LIBRA 1' "$stage$mandir/man1/libra.1" || fail "$mandir/man1/libra.1 is not the manual page of libra"
"$stage$prefix/bin/libra" score stss "$src/examples/data/stss_pre.csv" 2>/dev/null | cmp -s - <("$build/examples/libra" score stss "$src/examples/data/stss_pre.csv" 2>/dev/null) \
	|| fail "the installed libra scores otherwise than the built one"

step "Python module, library found by soname (LIBRA_MEASURES_LIBRARY unset)"
(
	cd "$work"
	unset LIBRA_MEASURES_LIBRARY
	PYTHONPATH=$src/examples/python PYTHONDONTWRITEBYTECODE=1 python3 -c '
import libra_measures as lm, sys
path = [l.split()[-1] for l in open("/proc/self/maps") if "liblibra_measures.so" in l][0]
assert path.startswith(sys.argv[1]), path
with lm.Instrument.builtin("stss") as stss:
    print("python: %s, stss total %g, from %s" % (lm.library_version(), stss.score([2] * 17)["total"].score, path))
' "$stage"
)
unset LD_LIBRARY_PATH PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# --- 3. meson subproject ---------------------------------------------------
step "meson subproject: dependency('libra_measures') with the wrap fallback"
proj=$work/subproject
cp -r "$src/tests/install/subproject" "$proj"
# This source tree, linked where the wrap file says (subprojects/libra_measures).
ln -s "$src" "$proj/subprojects/libra_measures"
meson setup "$proj/build" "$proj" --force-fallback-for=libra_measures </dev/null >"$work/subproject-setup.log" 2>&1 ||
	{ cat "$work/subproject-setup.log"; fail "meson setup of the subproject test failed"; }
grep -q "Dependency libra_measures .*found: YES" "$work/subproject-setup.log" ||
	{ cat "$work/subproject-setup.log"; fail "the dependency did not come from the subproject"; }
ninja -C "$proj/build" uses-libra-measures >"$work/subproject-build.log" 2>&1 ||
	{ cat "$work/subproject-build.log"; fail "building against the subproject failed"; }
"$proj/build/uses-libra-measures"

# --- 4. a non-system prefix, no LD_LIBRARY_PATH -----------------------------
step "meson setup --prefix=$work/prefix, install, run libra without LD_LIBRARY_PATH"
meson setup "$work/build-prefix" "$src" --prefix="$work/prefix" -Dtests=false </dev/null >"$work/prefix-setup.log" 2>&1 ||
	{ cat "$work/prefix-setup.log"; fail "meson setup with --prefix=$work/prefix failed"; }
meson install -C "$work/build-prefix" --quiet >"$work/prefix-install.log" 2>&1 ||
	{ cat "$work/prefix-install.log"; fail "meson install into $work/prefix failed"; }
installed=$(find "$work/prefix" -path '*/bin/libra' -type f)
[ -n "$installed" ] || fail "no bin/libra under $work/prefix"
libs=$(env -u LD_LIBRARY_PATH ldd "$installed")
case $libs in *"liblibra_measures.so."*" => $work/prefix/"*) ;; *) printf '%s\n' "$libs"; fail "the installed libra does not find the installed library by itself" ;; esac
env -u LD_LIBRARY_PATH "$installed" score stss "$src/examples/data/stss_pre.csv" 2>/dev/null |
	cmp -s - <("$build/examples/libra" score stss "$src/examples/data/stss_pre.csv" 2>/dev/null) ||
	fail "the libra installed under $work/prefix does not run, or scores otherwise than the built one"
env -u LD_LIBRARY_PATH "$installed" --version

step "installed use: all passed"
