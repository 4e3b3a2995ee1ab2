#!/usr/bin/env bash
# Opens a report made from the shipped example data in a real headless
# Chromium: the page must parse (the DOM dump holds the last section), log no
# console or JavaScript errors, and give a non-trivial screenshot.
#   check_chromium.sh LIBRA SOURCE_ROOT [SCREENSHOT.png]
# With LM_REPORT_MAKER set, the report is "$LM_REPORT_MAKER SOURCE_ROOT OUT.html"
# instead (e.g. a trial with waves, written through the C API).
# Exit 77 (meson: skipped) when no Chromium is installed, or 1 with
# LM_REQUIRE_CHROMIUM=1 (CI, where it must run).
set -u

libra=$1
root=$2
shot_out=${3:-}

chromium=
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then
		chromium=$(command -v "$c")
		break
	fi
done
if [ -z "$chromium" ]; then
	if [ -n "${LM_REQUIRE_CHROMIUM-}" ]; then
		echo "FAIL: no chromium installed, and LM_REQUIRE_CHROMIUM is set"
		exit 1
	fi
	echo "SKIP: no chromium installed"
	exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/libra-chromium.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

if [ -n "${LM_REPORT_MAKER-}" ]; then
	"$LM_REPORT_MAKER" "$root" "$work/report.html" || fail "$LM_REPORT_MAKER failed"
else
	"$libra" report stss "$root/examples/data/stss_pre.csv" "$root/examples/data/stss_post.csv" \
		--group-column group -o "$work/report.html" || fail "libra report failed"
fi

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
	--disable-component-update --disable-sync --disable-default-apps --disable-extensions
	--hide-scrollbars --user-data-dir="$work/profile" --enable-logging=stderr --v=0)

# The DOM as Chromium parsed it, and its log.
timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$work/report.html" >"$work/dom.html" 2>"$work/dom.log" ||
	fail "chromium --dump-dom failed: $(tail -5 "$work/dom.log")"
grep -q '</main>' "$work/dom.html" || fail "the page did not parse to its end"
grep -q '<svg role="img"' "$work/dom.html" || fail "no chart in the parsed page"

timeout 120 "$chromium" "${flags[@]}" --window-size=1000,3000 --screenshot="$work/shot.png" \
	"file://$work/report.html" >"$work/shot.log" 2>&1 || fail "chromium --screenshot failed: $(tail -5 "$work/shot.log")"
[ -f "$work/shot.png" ] || fail "no screenshot"
size=$(wc -c <"$work/shot.png")
[ "$size" -gt 20000 ] || fail "the screenshot is only $size bytes"
[ "$(head -c 8 "$work/shot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "the screenshot is not a PNG"

# Console messages are logged as CONSOLE(...) lines; failed loads as net:: errors.
if grep -E 'CONSOLE|Uncaught|net::ERR_|Failed to load|Refused to' "$work/dom.log" "$work/shot.log"; then
	fail "console errors or failed loads above"
fi

[ -n "$shot_out" ] && cp "$work/shot.png" "$shot_out"
echo "ok: parsed, no console errors, screenshot $size bytes"
exit 0
