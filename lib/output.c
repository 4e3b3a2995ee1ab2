/*
 * libra_measures — the private output sink of output-priv.h: a buffer in front
 * of a temporary file beside the target (O_TMPFILE where there is one),
 * renamed into place on commit, or of
 * an anonymous spool file copied to a descriptor on commit; JSON and CSV
 * quoting; locale-independent numbers. Used by every writer, so no writer can
 * leave a partial file.
 */
/* O_TMPFILE, AT_EMPTY_PATH and mkostemp() are Linux's (GNU's). */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "number-priv.h"
#include "output-priv.h"
#include "temporaries-priv.h"



static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};
			(void)poll(&pfd, 1, -1);
		} else {
			if (w == 0)
				errno = EIO;
			return -1;
		}
	}
	return 0;
}

/* Where flushed bytes go: the file, or for an output in memory its store. */
static int sink(struct lm_out *o, const char *s, size_t n)
{
	if (!o->memory)
		return write_all(o->fd, s, n);
	if (n > o->mem_cap - o->mem_len) {
		size_t cap = o->mem_cap ? o->mem_cap : LM_OUT_BUFSIZE;
		while (cap - o->mem_len < n)
			cap *= 2;
		char *m = realloc(o->mem, cap);
		if (!m) {
			errno = ENOMEM;
			return -1;
		}
		o->mem = m;
		o->mem_cap = cap;
	}
	memcpy(o->mem + o->mem_len, s, n);
	o->mem_len += n;
	return 0;
}

/*
 * A file output is made durable (fsync) before it is put in place. Starting
 * the write-back of each few MiB as it is written lets the disk work while
 * the run goes on, so that the fsync at the end has little left to wait for.
 */
#define LM_OUT_WRITEBACK (8u << 20)

static void start_writeback(struct lm_out *o)
{
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
	if (o->path && !o->memory && o->written - o->writeback_from >= LM_OUT_WRITEBACK) {
		(void)sync_file_range(o->fd, (off_t)o->writeback_from, (off_t)(o->written - o->writeback_from),
				      SYNC_FILE_RANGE_WRITE); /* only a hint: fsync() still decides */
		o->writeback_from = o->written;
	}
#else
	(void)o;
#endif
}

static void out_flush(struct lm_out *o)
{
	if (o->write_errno || o->done) {
		o->len = 0;
		return;
	}
	if (o->len && sink(o, o->buf, o->len) != 0)
		o->write_errno = errno ? errno : EIO;
	o->written += o->len;
	o->len = 0;
	start_writeback(o);
}

/* Flush, then append; what is larger than the buffer is written directly. */
void lm__out_put_slow(struct lm_out *o, const char *s, size_t n)
{
	out_flush(o);
	if (o->write_errno || o->done)
		return;
	if (n > LM_OUT_BUFSIZE) {
		if (sink(o, s, n) != 0)
			o->write_errno = errno ? errno : EIO;
		o->written += n;
		start_writeback(o);
		return;
	}
	memcpy(o->buf, s, n);
	o->len = n;
}

void lm__out_flush_for_room(struct lm_out *o)
{
	out_flush(o);
}

void lm__out_count(struct lm_out *o, unsigned long long v)
{
	lm__out_commit_room(o, lm__put_count(lm__out_room(o, 20), v));
}

/* A finite number as lm_format_number() writes it; anything else as null. */
void lm__out_number(struct lm_out *o, double v)
{
	if (!isfinite(v)) {
		lm__out_put_inline(o, "null", 4);
		return;
	}
	lm__out_commit_room(o, lm__put_number(lm__out_room(o, LM_NUMBER_MAX), v));
}

size_t lm__csv_plain(const char *s, size_t n, char delimiter)
{
	/* Eight bytes at a time: a byte equal to c makes (x ^ c*ones) have a zero
	 * byte, which (v - ones) & ~v & highs flags (exactly, for the first one). */
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	const uint64_t d = ones * (unsigned char)delimiter, q = ones * '"', cr = ones * '\r', lf = ones * '\n';
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x, a, b, c, e;
		memcpy(&x, s + i, 8);
		a = x ^ d;
		b = x ^ q;
		c = x ^ cr;
		e = x ^ lf;
		if ((((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c) | ((e - ones) & ~e)) & highs)
			break;
	}
	while (i < n && s[i] != delimiter && s[i] != '"' && s[i] != '\r' && s[i] != '\n')
		i++;
	return i;
}

void lm__out_csv_field(struct lm_out *o, const char *s, size_t n, char delimiter)
{
	size_t i = lm__csv_plain(s, n, delimiter);
	if (i == n) {
		lm__out_put_inline(o, s, n);
		return;
	}
	lm__out_put_inline(o, "\"", 1);
	size_t start = 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '"') {
			lm__out_put_inline(o, s + start, i + 1 - start); /* the quote, then its double */
			start = i;
		}
	}
	lm__out_put_inline(o, s + start, n - start);
	lm__out_put_inline(o, "\"", 1);
}

/*
 * A text cell taken from the input (an id, a group, a rejected row's field):
 * one that a spreadsheet would run as a formula — it begins with '=', '+',
 * '-', '@', a tab or a CR and is not a number — is written with a leading
 * apostrophe, as OWASP advises against CSV injection. "-3" stays a number.
 */
/* Whether the @p n bytes at @p s, 8 to 16 of them, hold none of the bytes
 * that lm__csv_plain() looks for: two overlapping words, no loop. */
static inline int plain_short(const char *s, size_t n, char delimiter)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	const uint64_t d = ones * (unsigned char)delimiter, q = ones * '"', cr = ones * '\r', lf = ones * '\n';
	uint64_t w[2], any = 0;
	memcpy(&w[0], s, 8);
	memcpy(&w[1], s + n - 8, 8);
	for (int k = 0; k < 2; k++) {
		uint64_t a = w[k] ^ d, b = w[k] ^ q, c = w[k] ^ cr, e = w[k] ^ lf;
		any |= ((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c) | ((e - ones) & ~e);
	}
	return !(any & highs);
}

void lm__out_csv_text(struct lm_out *o, const char *s, size_t n, char delimiter)
{
	/* The common id: 8 to 16 plain bytes, not the start of a formula; copied as two words. */
	if (n >= 8 && n <= 16 && s[0] != '=' && s[0] != '+' && s[0] != '-' && s[0] != '@' && s[0] != '\t' &&
	    s[0] != '\r' && plain_short(s, n, delimiter)) {
		char *p = lm__out_room(o, 16);
		memcpy(p, s, 8);
		memcpy(p + n - 8, s + n - 8, 8);
		lm__out_commit_room(o, p + n);
		return;
	}
	double v;
	if (n && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') &&
	    !lm__parse_decimal(s, n, &v)) {
		/* Quote the whole field when it needs quoting, apostrophe inside. */
		size_t i = lm__csv_plain(s, n, delimiter);
		if (i == n) {
			lm__out_put_inline(o, "'", 1);
			lm__out_put_inline(o, s, n);
			return;
		}
		lm__out_put_inline(o, "\"'", 2);
		size_t start = 0;
		for (i = 0; i < n; i++)
			if (s[i] == '"') {
				lm__out_put_inline(o, s + start, i + 1 - start);
				start = i;
			}
		lm__out_put_inline(o, s + start, n - start);
		lm__out_put_inline(o, "\"", 1);
		return;
	}
	lm__out_csv_field(o, s, n, delimiter);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	unsigned cp = c & (0x7Fu >> len);
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3Fu);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* Control characters become \u00XX; bytes that are not valid UTF-8 become
 * U+FFFD, so that every line is valid JSON. */
void lm__out_json_string(struct lm_out *o, const char *str, size_t n)
{
	if (!str) {
		lm__out_put_inline(o, "null", 4);
		return;
	}
	const unsigned char *s = (const unsigned char *)str;
	lm__out_put_inline(o, "\"", 1);
	size_t start = 0, i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		size_t ulen = 0;
		if (c >= 0x80 && (ulen = utf8_len(s + i, n - i)) != 0) {
			i += ulen;
			continue;
		}
		lm__out_put_inline(o, str + start, i - start);
		if (c == '"') {
			lm__out_put_inline(o, "\\\"", 2);
		} else if (c == '\\') {
			lm__out_put_inline(o, "\\\\", 2);
		} else if (c < 0x20) {
			char esc[6] = {'\\', 'u', '0', '0', "0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15]};
			lm__out_put_inline(o, esc, 6);
		} else {
			lm__out_put_inline(o, "\\ufffd", 6);
		}
		start = ++i;
	}
	lm__out_put_inline(o, str + start, n - start);
	lm__out_put_inline(o, "\"", 1);
}

void lm__out_put(struct lm_out *o, const char *s, size_t n)
{
	lm__out_put_inline(o, s, n);
}

void lm__out_str(struct lm_out *o, const char *s)
{
	lm__out_str_inline(o, s);
}

static struct lm_out *out_new(void)
{
	struct lm_out *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	if (!(o->buf = malloc(LM_OUT_BUFSIZE))) {
		free(o);
		return NULL;
	}
	o->fd = -1;
	o->out_fd = -1;
	o->dirfd = -1;
	o->lock_fd = -1;
	o->tmp_slot = -1;
	return o;
}

/* Remove the temporary file's name, if it has one: unlinked first, then out
 * of the registry, so that a signal in between removes nothing that exists. */
static void drop_temp_name(struct lm_out *o)
{
	if (o->named) {
		unlinkat(o->dirfd, o->tmp_name, 0);
		o->named = 0;
	}
	if (o->lock_fd >= 0) {
		close(o->lock_fd);
		o->lock_fd = -1;
	}
	if (o->tmp_slot >= 0) {
		lm__temp_unregister(o->tmp_slot);
		o->tmp_slot = -1;
	}
}

/* Drop the output: close and remove the temporary file. */
static void out_discard(struct lm_out *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	drop_temp_name(o);
	o->done = 1;
}

void lm__out_free(struct lm_out *o)
{
	if (!o)
		return;
	if (!o->published)
		out_discard(o);
	else
		drop_temp_name(o);
	if (o->own_out_fd && o->out_fd >= 0)
		close(o->out_fd);
	if (o->dirfd >= 0)
		close(o->dirfd);
	free(o->buf);
	free(o->mem);
	free(o->path);
	free(o->dir);
	free(o->base);
	free(o->tmp_name);
	free(o->reg_path);
	free(o);
}

/*
 * Temporary files are locked (flock) by the process writing them, from the
 * moment they exist to their rename, so that a name found unlocked was left by
 * a process that died: see remove_stale_temps(). Best effort: where the
 * filesystem has no such locks, nothing is ever found unlocked, and nothing
 * is removed.
 */
static void hold_temp(int fd)
{
	(void)flock(fd, LOCK_EX | LOCK_NB);
}

/* A temporary file's name ends in TEMP_SUFFIX_LEN characters of temp_chars. */
#define TEMP_SUFFIX_LEN 6
static const char temp_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* Whether @p s is such an ending, and nothing more. */
static int is_temp_suffix(const char *s)
{
	for (int k = 0; k < TEMP_SUFFIX_LEN; k++)
		if (!s[k] || !strchr(temp_chars, s[k]))
			return 0;
	return s[TEMP_SUFFIX_LEN] == '\0';
}

/*
 * Remove the temporary files of this target ("." BASE ".tmp-" and six letters
 * or digits) that a killed run left, before this run writes its own. On Linux
 * a temporary file has a name only between two system calls of the publish
 * (linkat, then renameat): SIGKILL, a crash or a power cut between them
 * leaves the finished file under that name. Elsewhere, or without O_TMPFILE,
 * it has a name all along. Only a regular file of this user that no process
 * holds locked is removed, and only if the name still leads to the file that
 * was checked; links, directories and anything another run is writing are
 * left alone. Best effort — a directory that cannot be listed is skipped —
 * except for want of memory (LM_ENOMEM).
 */
static int remove_stale_temps(const struct lm_out *o)
{
	int fd = openat(o->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOMEM ? LM_ENOMEM : LM_OK;
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return e == ENOMEM ? LM_ENOMEM : LM_OK;
	}
	size_t base_len = strlen(o->base);
	const struct dirent *e;
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		if (name[0] != '.' || strncmp(name + 1, o->base, base_len) != 0 ||
		    strncmp(name + 1 + base_len, ".tmp-", 5) != 0 || !is_temp_suffix(name + base_len + 6))
			continue;
		int t = openat(o->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (t < 0)
			continue;
		struct stat st, now;
		if (fstat(t, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
		    flock(t, LOCK_EX | LOCK_NB) == 0 && fstatat(o->dirfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now.st_dev == st.st_dev && now.st_ino == st.st_ino)
			(void)unlinkat(o->dirfd, name, 0);
		close(t);
	}
	closedir(d);
	return LM_OK;
}

/* A fresh "DIR/.BASE.tmp-XXXXXX" name in o->tmp_name (allocated at open) and
 * o->reg_path, the same as a path for the registry. */
static void next_temp_name(struct lm_out *o, uint64_t *x)
{
	char suffix[TEMP_SUFFIX_LEN + 1];
	for (int k = 0; k < TEMP_SUFFIX_LEN; k++) {
		*x ^= *x << 13; /* xorshift64 */
		*x ^= *x >> 7;
		*x ^= *x << 17;
		suffix[k] = temp_chars[*x % (sizeof(temp_chars) - 1)];
	}
	suffix[TEMP_SUFFIX_LEN] = '\0';
	snprintf(o->tmp_name, o->tmp_name_size, ".%s.tmp-%s", o->base, suffix);
	snprintf(o->reg_path, o->reg_path_size, "%s/%s", o->dir, o->tmp_name);
}

static uint64_t temp_seed(const struct lm_out *o)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 16) ^
		     (uint64_t)(uintptr_t)o;
	return x | 1; /* xorshift must not start at 0 */
}

/*
 * Give the temporary file a name in the target's directory: create it there
 * under one (@p fd < 0), or link the anonymous file @p fd to one. The name is
 * registered first, so that a signal handler can remove it from the moment it
 * exists. Returns 0 or an errno value.
 */
static int name_temp(struct lm_out *o, int fd)
{
	uint64_t x = temp_seed(o);
	for (int attempt = 0; attempt < 100; attempt++) {
		next_temp_name(o, &x);
		int slot = lm__temp_register(o->reg_path);
		int r, e;
		if (fd < 0) {
			/* Not mkstemp(): it creates files with mode 0600, and the output
			 * should get the mode a plain create would (0666 less the umask). */
			r = openat(o->dirfd, o->tmp_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
			if (r >= 0) {
				o->fd = r;
				hold_temp(r);
			}
		} else {
#ifdef __linux__
			/* Without privilege, an O_TMPFILE file is linked through /proc;
			 * with CAP_DAC_READ_SEARCH, also without /proc. */
			char proc[64];
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
			r = linkat(AT_FDCWD, proc, o->dirfd, o->tmp_name, AT_SYMLINK_FOLLOW);
#ifdef AT_EMPTY_PATH
			if (r != 0 && errno == ENOENT)
				r = linkat(fd, "", o->dirfd, o->tmp_name, AT_EMPTY_PATH);
#endif
#else
			r = -1;
			errno = ENOTSUP;
#endif
		}
		e = errno;
		if (r >= 0) {
			o->named = 1;
			o->tmp_slot = slot;
			if (slot >= 0)
				o->reg_path = NULL; /* the registry's now; a new one is not needed */
			return 0;
		}
		if (slot >= 0) {
			lm__temp_unregister(slot);
			/* The registry freed it: the next name needs a buffer again. */
			if (!(o->reg_path = malloc(o->reg_path_size)))
				return ENOMEM;
		}
		if (e != EEXIST && e != EINTR)
			return e;
	}
	return EEXIST;
}

int lm__out_no_tmpfile;

/*
 * The temporary file, in the target's directory (so that rename() can put it
 * in place). On Linux it is an O_TMPFILE file, which has no name until it is
 * linked at publish: a run killed before that leaves nothing. Elsewhere, or
 * where the filesystem refuses O_TMPFILE, it is created under a hidden name,
 * which lm_outputs_remove_temporaries() removes on a signal.
 */
static int create_temp(struct lm_out *o, lm_error *err)
{
	size_t base_len = strlen(o->base);
	o->tmp_name_size = base_len + sizeof("..tmp-XXXXXX");
	o->reg_path_size = strlen(o->dir) + 1 + o->tmp_name_size;
	if (!(o->tmp_name = malloc(o->tmp_name_size)) || !(o->reg_path = malloc(o->reg_path_size)))
		return LM_ENOMEM;
#if defined(O_TMPFILE) && defined(__linux__)
	if (!lm__out_no_tmpfile) {
		int fd = openat(o->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
		if (fd >= 0) {
			char proc[64];
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
			if (access(proc, F_OK) == 0 || geteuid() == 0) {
				o->fd = fd;
				o->anonymous = 1;
				hold_temp(fd);
				return LM_OK;
			}
			close(fd); /* it could not be linked later */
		}
		/* Otherwise (a filesystem or kernel without it, or a real error,
		 * which the named file below meets and reports) a named file. */
	}
#endif
	int e = name_temp(o, -1);
	if (e == ENOMEM)
		return LM_ENOMEM;
	if (e)
		return lm__error(err, LM_EIO, o->path, 0, 0, "cannot create a temporary file beside it: %s", strerror(e));
	return LM_OK;
}

/* Output to a device, FIFO or socket: spooled, then written to it on commit. */
static int open_special(struct lm_out **out, const char *path, lm_error *err)
{
	/*
	 * There is no file to replace (/dev/null, /dev/stdout, a pipe), and
	 * renaming over it would replace the device itself (as root, /dev/null).
	 * Spool, and copy to it on commit, so it still gets all or nothing.
	 */
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return lm__error(err, LM_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	int r = lm__out_open_fd(out, fd, err);
	if (r != LM_OK) {
		close(fd);
		return r;
	}
	(*out)->own_out_fd = 1;
	return LM_OK;
}

int lm__out_open_file(struct lm_out **out, const char *path, lm_error *err)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	if (!path || !*path)
		return LM_EINVAL;
	char *real;
	struct stat st;
	int r = lm__out_resolve_target(path, &real, &st, err);
	if (r != LM_OK) {
		free(real);
		return r;
	}
	if (st.st_mode && !S_ISREG(st.st_mode)) {
		free(real);
		return open_special(out, path, err);
	}
	const char *target = real ? real : path;
	size_t len = strlen(target);
	if (target[len - 1] == '/') {
		free(real);
		return lm__error(err, LM_EIO, path, 0, 0, "names a directory, not a file");
	}
	const char *slash = strrchr(target, '/');
	struct lm_out *o = out_new();
	if (!o || !(o->path = lm__strdup(path)) || !(o->dir = lm__out_dir_of(target)) ||
	    !(o->base = lm__strdup(slash ? slash + 1 : target))) {
		free(real);
		lm__out_free(o);
		return LM_ENOMEM;
	}
	free(real);
	o->dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->dirfd < 0) {
		r = lm__error(err, LM_EIO, path, 0, 0, "cannot create a temporary file beside it: %s", strerror(errno));
		lm__out_free(o);
		return r;
	}
	if ((r = remove_stale_temps(o)) != LM_OK || (r = create_temp(o, err)) != LM_OK) {
		lm__out_free(o);
		return r;
	}
	/* Replacing a file keeps its permissions. */
	if (S_ISREG(st.st_mode))
		(void)fchmod(o->fd, st.st_mode & 07777);
	*out = o;
	return LM_OK;
}

int lm__out_open_memory(struct lm_out **out)
{
	if (!out)
		return LM_EINVAL;
	*out = out_new();
	if (!*out)
		return LM_ENOMEM;
	(*out)->memory = 1;
	return LM_OK;
}

int lm__out_move(struct lm_out *src, struct lm_out *dst)
{
	if (src->write_errno)
		return src->write_errno == ENOMEM ? LM_ENOMEM : LM_EIO;
	if (src->mem_len)
		lm__out_put(dst, src->mem, src->mem_len);
	if (src->len)
		lm__out_put(dst, src->buf, src->len);
	src->mem_len = src->len = 0;
	return LM_OK;
}

/* The output as messages name it: its path, or its descriptor. */
static const char *out_name(const struct lm_out *o, char name[64])
{
	if (o->path)
		return o->path;
	snprintf(name, 64, "<file descriptor %d>", o->out_fd);
	return name;
}

int lm__out_open_fd(struct lm_out **out, int fd, lm_error *err)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	if (fd < 0)
		return LM_EINVAL;
	struct lm_out *o = out_new();
	if (!o)
		return LM_ENOMEM;
	o->out_fd = fd;
	const char *dir = lm__temp_dir();
	if ((o->fd = lm__scratch_open(dir)) < 0) {
		int e = errno;
		char name[64];
		int rc = e == ENOMEM ? LM_ENOMEM
				     : lm__error(err, LM_EIO, out_name(o, name), 0, 0,
						 "cannot create a temporary file in %s (the directory TMPDIR names, "
						 "else /tmp): %s",
						 dir, strerror(e));
		lm__out_free(o);
		return rc;
	}
	*out = o;
	return LM_OK;
}

const char *lm__temp_dir(void)
{
	const char *dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

int lm__scratch_open(const char *dir)
{
#if defined(O_TMPFILE) && defined(__linux__)
	if (!lm__out_no_tmpfile) {
		int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		/* A filesystem or kernel without it: a named file, removed at once. */
	}
#endif
	size_t size = strlen(dir) + sizeof("/.libra-spool-XXXXXX");
	char *path = malloc(size);
	if (!path) {
		errno = ENOMEM;
		return -1;
	}
	snprintf(path, size, "%s/.libra-spool-XXXXXX", dir);
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0 && unlink(path) != 0) {
		int e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	free(path);
	return fd;
}

static int out_fail(struct lm_out *o, int e, const char *what, lm_error *err)
{
	char name[64];
	const char *file = out_name(o, name);
	int code = e == ENOMEM ? LM_ENOMEM : LM_EIO;
	lm__error(err, code, file, 0, 0, "%s: %s", what, strerror(e));
	out_discard(o);
	return code;
}

/* Copy the spool file to the output descriptor. */
static int copy_spool(struct lm_out *o, lm_error *err)
{
	if (lseek(o->fd, 0, SEEK_SET) < 0)
		return out_fail(o, errno, "cannot read back the temporary file", err);
	for (;;) {
		ssize_t n = read(o->fd, o->buf, LM_OUT_BUFSIZE);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return out_fail(o, errno, "cannot read back the temporary file", err);
		}
		if (write_all(o->out_fd, o->buf, (size_t)n) != 0)
			return out_fail(o, errno, "cannot write", err);
	}
	return LM_OK;
}

int lm__out_prepare(struct lm_out *o, lm_error *err)
{
	if (!o || o->done)
		return LM_EINVAL;
	if (o->prepared)
		return LM_OK;
	out_flush(o);
	if (o->write_errno)
		return out_fail(o, o->write_errno, o->path ? "cannot write" : "cannot write the temporary file", err);
	/* Durable before it replaces anything: a crash after the rename must not
	 * leave an empty or partial file where the old one was. */
	if (o->path && fsync(o->fd) != 0)
		return out_fail(o, errno, "cannot write", err);
	o->prepared = 1;
	return LM_OK;
}

int lm__out_publish(struct lm_out *const *outs, size_t n, lm_error *err)
{
	int rc = LM_OK;
	size_t i;
	for (i = 0; i < n; i++)
		if (!outs[i] || outs[i]->done || !outs[i]->prepared)
			return LM_EINVAL;
	/* Descriptors first: a copy can fail half-way (a full device, a closed
	 * pipe), and then no file has been replaced yet. */
	for (i = 0; i < n && rc == LM_OK; i++) {
		struct lm_out *o = outs[i];
		if (o->path)
			continue;
		rc = copy_spool(o, err);
		if (rc == LM_OK) {
			out_discard(o);
			o->published = 1;
		}
	}
	size_t files = 0;
	for (i = 0; i < n; i++)
		files += outs[i]->path != NULL;
	/* Then every file gets its name beside its target, and is closed: what
	 * can still fail (room for a directory entry, an error reported at close
	 * by a network filesystem) fails before any target is replaced. A lone
	 * anonymous file has no other to keep in step with: it is named and
	 * renamed at once and closed after (its data are durable already), so
	 * that its temporary name exists for two system calls only — a SIGKILL,
	 * which no handler sees, is the one way a name can be left behind. */
	for (i = 0; i < n && rc == LM_OK; i++) {
		struct lm_out *o = outs[i];
		if (!o->path)
			continue;
		int e = o->anonymous ? name_temp(o, o->fd) : 0;
		if (e) {
			rc = out_fail(o, e, "cannot name the temporary file", err);
			break;
		}
		if (files == 1 && o->anonymous) {
			if (renameat(o->dirfd, o->tmp_name, o->dirfd, o->base) != 0) {
				rc = out_fail(o, errno, "cannot replace", err);
				break;
			}
			o->named = 0;
			drop_temp_name(o);
			o->done = o->published = 1;
		}
		/* Its lock outlives this close until the rename (a duplicate). */
		if (!o->done)
			o->lock_fd = fcntl(o->fd, F_DUPFD_CLOEXEC, 0);
		if (close(o->fd) != 0)
			o->fd = -1, rc = out_fail(o, errno, "cannot write", err);
		else
			o->fd = -1;
	}
	/* Renames within one directory: nothing is left to run out of. */
	for (i = 0; i < n && rc == LM_OK; i++) {
		struct lm_out *o = outs[i];
		if (!o->path || o->done)
			continue;
		if (renameat(o->dirfd, o->tmp_name, o->dirfd, o->base) != 0) {
			rc = out_fail(o, errno, "cannot replace", err);
			break;
		}
		o->named = 0;
		drop_temp_name(o);
		o->done = o->published = 1;
	}
	if (rc != LM_OK) {
		char name[64];
		for (i = 0; i < n; i++) {
			if (outs[i]->published)
				lm__error(err, LM_EIO, out_name(outs[i], name), 0, 0,
					  "was written before the failure above, which kept the other outputs from being written");
			else
				out_discard(outs[i]);
		}
		return rc;
	}
	/* Make the directory entries durable too (best effort: the outputs are
	 * in place already). */
	for (i = 0; i < n; i++)
		if (outs[i]->path)
			(void)fsync(outs[i]->dirfd);
	return LM_OK;
}

int lm__out_commit(struct lm_out *o, lm_error *err)
{
	int rc = lm__out_prepare(o, err);
	return rc == LM_OK ? lm__out_publish(&o, 1, err) : rc;
}
