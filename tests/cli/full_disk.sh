#!/usr/bin/env bash
# Outputs where the filesystem says no (TAP): a run whose -o cannot be
# written whole — a file size limit (everywhere), a full filesystem (a small
# tmpfs, mounted when run as root), or whose standard output cannot be
# spooled in a full TMPDIR — writes none of its outputs, leaves the old ones
# and no temporary file, and says why, however many rows were rejected. And -o through symbolic links: a dangling link is refused and
# kept; a link planted by another user in a sticky world-writable directory
# is not followed (root, to give the link away).
#
#   full_disk.sh LIBRA
set -u
libra=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/libra-full.XXXXXX")
mounted=
cleanup() {
	[ -n "$mounted" ] && umount "$mounted"
	rm -rf "$dir"
}
trap cleanup EXIT
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# 2,000 scored rows (about 90 kB of scores: more than a 64 kB limit, less than
# the writer's buffer, so that the failure comes at the commit) and 120 rejected ones.
awk 'BEGIN {
	h = "id"; for (i = 1; i <= 17; i++) h = h ",stss_" i; print h
	for (r = 1; r <= 2000; r++) {
		l = sprintf("r%05d", r); for (i = 1; i <= 17; i++) l = l "," (1 + (r + i) % 5); print l
		if (r % 17 == 0 && r <= 2040) { l = sprintf("bad%05d", r); for (i = 1; i <= 17; i++) l = l ",9"; print l }
	}
}' >"$dir/data.csv"

# check NAME OUTDIR STATUS STDERR: no rejects file, the old output kept, no temporary file.
check() {
	local name=$1 out=$2 status=$3 stderr=$4 why=
	[ "$status" = 1 ] || why="$why exit $status, expected 1;"
	grep -q "$5" "$stderr" || why="$why no '$5' on standard error;"
	[ "$(grep -c 'is not a response' "$stderr")" = "$(grep -c 'is not a response' <(sort -u "$stderr"))" ] ||
		why="$why a problem printed twice;"
	[ -e "$dir/rejects.csv" ] && why="$why rejects.csv was written;"
	[ "$(cat "$out/out.csv")" = "old" ] || why="$why out.csv is not the old one;"
	ls -A "$out" "$dir" | grep -q '\.tmp-' && why="$why a temporary file was left;"
	if [ -z "$why" ]; then ok "$name"; else not_ok "$name:$why"; sed 's/^/# /' "$stderr" | tail -5; fi
	rm -f "$dir/rejects.csv"
}

# A file size limit: SIGXFSZ would kill the run; libra reports EFBIG instead.
printf 'old' >"$dir/out.csv"
(ulimit -f 64 && exec "$libra" score stss "$dir/data.csv" -o "$dir/out.csv" --rejects "$dir/rejects.csv") 2>"$dir/stderr"
check "a file size limit: no output, the reason said" "$dir" $? "$dir/stderr" "File too large"

# A full filesystem: -o on a 64 kB tmpfs, --rejects elsewhere.
small=$dir/small
mkdir "$small"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$small" 2>/dev/null; then
	mounted=$small
	printf 'old' >"$small/out.csv"
	"$libra" score stss "$dir/data.csv" -o "$small/out.csv" --rejects "$dir/rejects.csv" 2>"$dir/stderr"
	check "a full filesystem: neither output written, ENOSPC said" "$small" $? "$dir/stderr" "No space left on device"
	# Standard output is spooled where TMPDIR says: a full one fails the run
	# with neither output written and ENOSPC said; with TMPDIR empty, /tmp is used.
	TMPDIR=$small "$libra" score stss "$dir/data.csv" --rejects "$dir/rejects.csv" >"$dir/stdout" 2>"$dir/stderr"
	status=$?
	if [ $status = 1 ] && [ ! -s "$dir/stdout" ] && [ ! -e "$dir/rejects.csv" ] &&
		grep -q 'No space left on device' "$dir/stderr" && [ "$(ls -A "$small")" = out.csv ]; then
		ok "standard output spooled in a full TMPDIR: neither output written, ENOSPC said, nothing left there"
	else
		not_ok "standard output spooled in a full TMPDIR: exit $status, $(wc -c <"$dir/stdout") bytes out, left: $(ls -A "$small" | tr '\n' ' ')"
		sed 's/^/# /' "$dir/stderr" | tail -3
	fi
	rm -f "$dir/rejects.csv"
	TMPDIR= "$libra" score stss "$dir/data.csv" --rejects "$dir/rejects.csv" >"$dir/stdout" 2>/dev/null
	status=$?
	if [ $status = 3 ] && [ "$(wc -l <"$dir/stdout")" = 2001 ] && [ "$(wc -l <"$dir/rejects.csv")" = 118 ]; then
		ok "standard output spooled in /tmp when TMPDIR is empty: 2,000 rows and 117 rejects written"
	else
		not_ok "standard output with TMPDIR empty: exit $status, $(wc -l <"$dir/stdout") lines"
	fi
	rm -f "$dir/rejects.csv"
else
	skip "a full filesystem" "needs root and tmpfs to mount a small filesystem"
	skip "standard output spooled in a full TMPDIR" "needs root and tmpfs to mount a small filesystem"
	skip "standard output spooled in /tmp when TMPDIR is empty" "needs root and tmpfs to mount a small filesystem"
fi

# A dangling link: refused, and still a link.
head -3 "$dir/data.csv" >"$dir/few.csv"
ln -s "$dir/nowhere.csv" "$dir/dangling.csv"
"$libra" score stss "$dir/few.csv" -o "$dir/dangling.csv" 2>"$dir/stderr"
status=$?
if [ $status = 1 ] && [ -L "$dir/dangling.csv" ] && [ ! -e "$dir/nowhere.csv" ] && grep -q 'does not exist' "$dir/stderr"; then
	ok "a dangling link is refused and kept"
else
	not_ok "a dangling link: exit $status, $(ls -l "$dir/dangling.csv")"
fi

# A link planted by another user in a sticky world-writable directory.
if [ "$(id -u)" = 0 ]; then
	mkdir -m 1777 "$dir/tmp"
	printf 'root only\n' >"$dir/victim.txt"
	ln -s "$dir/victim.txt" "$dir/tmp/scores.csv"
	chown -h 65534:65534 "$dir/tmp/scores.csv"
	"$libra" score stss "$dir/few.csv" -o "$dir/tmp/scores.csv" 2>"$dir/stderr"
	status=$?
	if [ $status = 1 ] && [ "$(cat "$dir/victim.txt")" = "root only" ] && grep -q 'not followed' "$dir/stderr"; then
		ok "a planted link is not followed, even by root"
	else
		not_ok "a planted link: exit $status, victim now: $(head -c 80 "$dir/victim.txt")"
	fi
else
	skip "a planted link" "needs root, to give a link to another user"
fi

echo "1..$n"
exit $failed
