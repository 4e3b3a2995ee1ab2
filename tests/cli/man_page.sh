#!/usr/bin/env bash
# The manual page libra(1) is written at build time from the same tables as
# `libra COMMAND --help` (examples/libra/help-text.c). Check that it renders
# without a warning from groff, and that every command's usage lines and
# options, as `--help` prints them, are in the page.
# Usage: man_page.sh LIBRA LIBRA.1
set -u
libra=$1
page=$2
command -v groff >/dev/null || { echo "skip: no groff"; exit 77; }

warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
[ -z "$warnings" ] || { printf 'groff warns about %s:\n%s\n' "$page" "$warnings"; exit 1; }
text=$(LC_ALL=C.UTF-8 MANWIDTH=200 groff -man -Tascii -rLL=200n "$page" 2>/dev/null | col -bx)

failed=0
commands=$("$libra" --help | sed -n '/^Commands:/,/^$/p' | awk '/^  [a-z]/ {print $1}' | sort -u)
[ -n "$commands" ] || { echo "no commands in libra --help"; exit 1; }
for cmd in $commands; do
	help=$("$libra" "$cmd" --help 2>&1)
	[ "$cmd" = help ] && help=$("$libra" help help)
	# The usage lines.
	while IFS= read -r line; do
		line=${line#Usage: }
		line=$(printf '%s' "$line" | sed 's/^ *//')
		[[ "$text" == *"$line"* ]] || { echo "libra.1 lacks the usage line of $cmd: $line"; failed=1; }
	done < <(printf '%s\n' "$help" | sed -n '/^Usage:/,/^$/p' | sed '/^$/d')
	# The options' flags.
	while IFS= read -r flags; do
		[[ "$text" == *"$flags"* ]] || { echo "libra.1 lacks the option $flags of $cmd"; failed=1; }
	done < <(printf '%s\n' "$help" | sed -n '/^Options/,/^$/p' | grep -E '^  -' | sed -E 's/^  //; s/ {2,}.*//')
	grep -q "^   libra $cmd\$" <<<"$text" || { echo "libra.1 has no section 'libra $cmd'"; failed=1; }
done
[ $failed = 0 ] && echo "ok: libra.1 renders cleanly and holds every command's usage and options"
exit $failed
