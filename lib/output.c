/*
 * libra_measures — the private output sink of output-priv.h: a buffer in front
 * of a temporary file beside the target, renamed into place on commit, or of
 * an anonymous spool file copied to a descriptor on commit; JSON and CSV
 * quoting; locale-independent numbers. Used by every writer, so no writer can
 * leave a partial file.
 */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "output-priv.h"



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

static void out_flush(struct lm_out *o)
{
	if (o->write_errno || o->done) {
		o->len = 0;
		return;
	}
	if (o->len && write_all(o->fd, o->buf, o->len) != 0)
		o->write_errno = errno ? errno : EIO;
	o->len = 0;
}

/* Flush, then append; what is larger than the buffer is written directly. */
void lm__out_put_slow(struct lm_out *o, const char *s, size_t n)
{
	out_flush(o);
	if (o->write_errno || o->done)
		return;
	if (n > LM_OUT_BUFSIZE) {
		if (write_all(o->fd, s, n) != 0)
			o->write_errno = errno ? errno : EIO;
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

char *lm__put_number(char *p, double v)
{
	/* Whole non-negative numbers (the common case) as lm_format_number()
	 * writes them, without the call; -0 is "0" in both. */
	if (v >= 0 && v < 1e15) {
		unsigned long long u = (unsigned long long)v;
		if ((double)u == v)
			return lm__put_count(p, u);
	}
	/* LM_OUT_NUMBER_MAX bytes always hold a number and its NUL. */
	return p + lm_format_number(p, LM_OUT_NUMBER_MAX, v);
}

/* A finite number as lm_format_number() writes it; anything else as null. */
void lm__out_number(struct lm_out *o, double v)
{
	if (!isfinite(v)) {
		lm__out_put_inline(o, "null", 4);
		return;
	}
	lm__out_commit_room(o, lm__put_number(lm__out_room(o, LM_OUT_NUMBER_MAX), v));
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
void lm__out_csv_text(struct lm_out *o, const char *s, size_t n, char delimiter)
{
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
	return o;
}

/* Drop the output: close and remove the temporary file. */
static void out_discard(struct lm_out *o)
{
	if (o->spool) {
		fclose(o->spool);
		o->spool = NULL;
	} else if (o->fd >= 0) {
		close(o->fd);
	}
	o->fd = -1;
	if (o->tmp_path) {
		unlink(o->tmp_path);
		free(o->tmp_path);
		o->tmp_path = NULL;
	}
	o->done = 1;
}

void lm__out_free(struct lm_out *o)
{
	if (!o)
		return;
	out_discard(o);
	if (o->own_out_fd && o->out_fd >= 0)
		close(o->out_fd);
	free(o->buf);
	free(o->path);
	free(o);
}

/*
 * Create "DIR/.BASE.tmp-XXXXXX" exclusively. Not mkstemp(): it creates files
 * with mode 0600, and the output should get the mode a plain create would
 * (0666 less the umask), which only open() applies without reading the umask.
 */
static int create_temp(struct lm_out *o, lm_error *err)
{
	const char *path = o->path;
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dirlen;
	size_t need = dirlen + 1 + strlen(base) + sizeof(".tmp-XXXXXX");
	char *tmp = malloc(need);
	if (!tmp)
		return LM_ENOMEM;
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 16) ^
		     (uint64_t)(uintptr_t)o;
	x |= 1; /* xorshift must not start at 0 */
	for (int attempt = 0; attempt < 100; attempt++) {
		char suffix[7];
		for (int k = 0; k < 6; k++) {
			x ^= x << 13; /* xorshift64 */
			x ^= x >> 7;
			x ^= x << 17;
			suffix[k] = alnum[x % (sizeof(alnum) - 1)];
		}
		suffix[6] = '\0';
		snprintf(tmp, need, "%.*s.%s.tmp-%s", (int)dirlen, path, base, suffix);
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0) {
			o->fd = fd;
			o->tmp_path = tmp;
			return LM_OK;
		}
		if (errno != EEXIST && errno != EINTR)
			break;
	}
	int e = errno;
	free(tmp);
	return lm__error(err, LM_EIO, path, 0, 0, "cannot create a temporary file beside it: %s", strerror(e));
}

int lm__out_open_file(struct lm_out **out, const char *path, lm_error *err)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	if (!path || !*path)
		return LM_EINVAL;
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/*
		 * A device, FIFO or socket (/dev/null, /dev/stdout, a pipe): there is no
		 * file to replace, and renaming over it would replace the device itself
		 * (as root, /dev/null). Spool, and copy to it on commit, so it still
		 * gets all or nothing.
		 */
		if (S_ISDIR(st.st_mode))
			return lm__error(err, LM_EIO, path, 0, 0, "is a directory");
		int fd = open(path, O_WRONLY | O_CLOEXEC);
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
	/* Through a symbolic link, the file it points to is replaced, not the link. */
	char *real = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) ? realpath(path, NULL) : NULL;
	struct lm_out *o = out_new();
	if (!o || !(o->path = lm__strdup(real ? real : path))) {
		free(real);
		lm__out_free(o);
		return LM_ENOMEM;
	}
	free(real);
	int r = create_temp(o, err);
	if (r != LM_OK) {
		lm__out_free(o);
		return r;
	}
	/* Replacing a file keeps its permissions. */
	if (stat(o->path, &st) == 0 && S_ISREG(st.st_mode))
		(void)fchmod(o->fd, st.st_mode & 07777);
	*out = o;
	return LM_OK;
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
	if (!(o->spool = tmpfile())) {
		int e = errno;
		lm__out_free(o);
		return lm__error(err, LM_EIO, NULL, 0, 0, "cannot create a temporary file: %s", strerror(e));
	}
	o->fd = fileno(o->spool);
	*out = o;
	return LM_OK;
}

static int out_fail(struct lm_out *o, int e, const char *what, lm_error *err)
{
	char name[64];
	const char *file = o->path;
	if (!file) {
		snprintf(name, sizeof(name), "<file descriptor %d>", o->out_fd);
		file = name;
	}
	out_discard(o);
	return lm__error(err, LM_EIO, file, 0, 0, "%s: %s", what, strerror(e));
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
	out_discard(o);
	return LM_OK;
}

/* After a rename, make the directory entry durable too (best effort; the
 * output is in place already, so this allocates nothing that could fail). */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096] = ".";
	size_t n = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 0;
	if (n >= sizeof(dir))
		return;
	if (n) {
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	int fd = open(dir, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int lm__out_commit(struct lm_out *o, lm_error *err)
{
	if (!o || o->done)
		return LM_EINVAL;
	out_flush(o);
	if (o->write_errno)
		return out_fail(o, o->write_errno, o->path ? "cannot write" : "cannot write the temporary file", err);
	if (!o->path)
		return copy_spool(o, err);
	if (fsync(o->fd) != 0)
		return out_fail(o, errno, "cannot write", err);
	int fd = o->fd;
	o->fd = -1;
	if (close(fd) != 0)
		return out_fail(o, errno, "cannot write", err);
	if (rename(o->tmp_path, o->path) != 0)
		return out_fail(o, errno, "cannot replace", err);
	free(o->tmp_path);
	o->tmp_path = NULL;
	o->done = 1;
	sync_dir(o->path);
	return LM_OK;
}
