/*
 * Tests of where outputs go and how a run's outputs are committed together
 * (outputs.h): symbolic links and sticky directories, identities of a run's
 * files, two-phase commits with a full device or a file size limit, and the
 * temporary files a killed run could leave. White-box (the internal archive)
 * only to force the named-temporary fallback of systems without O_TMPFILE.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"
#include "output-priv.h"

static const char yaml[] = "format: 1\n"
			   "id: w\n"
			   "name: Outputs test\n"
			   "version: '1'\n"
			   "responses: [{value: 0, label: No}, {value: 1, label: Yes}]\n"
			   "items: [{id: w_1, label: a}, {id: w_2, label: b}]\n"
			   "scales: [{id: total, label: T, items: [w_1, w_2], method: sum, min_answered: 2}]\n";

struct fx {
	lm_instrument *inst;
	lm_scorer *s;
	lm_error *err;
	char dir[64];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	const double v[2] = {1, 0};
	if (!fx || lm_instrument_load_buffer(&fx->inst, yaml, sizeof(yaml) - 1, "w.yaml", NULL) != LM_OK ||
	    lm_scorer_new(&fx->s, fx->inst) != LM_OK || lm_error_new(&fx->err) != LM_OK ||
	    lm_scorer_score(fx->s, v, 2, NULL) != LM_OK)
		return -1;
	strcpy(fx->dir, "/tmp/lm_test_outputs_XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	*state = fx;
	return 0;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	struct stat st;
	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	remove_tree(fx->dir);
	lm_scorer_free(fx->s);
	lm_instrument_free(fx->inst);
	lm_error_free(fx->err);
	lm__out_no_tmpfile = 0;
	free(fx);
	return 0;
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Entries of @p dir other than . and .., and how many look like temporaries. */
static int dir_entries(const char *dir, int *temps)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	if (temps)
		*temps = 0;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		if (temps && strstr(e->d_name, ".tmp-"))
			(*temps)++;
	}
	closedir(d);
	return n;
}

/* A writer with one record to @p path; LM_OK or the open's error. */
static int open_one(struct fx *fx, const char *path, lm_writer **w)
{
	int rc = lm_writer_open_file(w, fx->inst, LM_WRITER_CSV, path, fx->err);
	if (rc == LM_OK)
		assert_int_equal(lm_writer_write(*w, 1, "r1", 2, fx->s), LM_OK);
	return rc;
}

static const char expected[] = "id,total,total_answered,total_status\nr1,1,2,ok\n";

/* ---- symbolic links --------------------------------------------------------- */

static void test_link_to_own_file(void **state)
{
	struct fx *fx = *state;
	char real[128], link[128];
	snprintf(real, sizeof(real), "%s/real.csv", fx->dir);
	snprintf(link, sizeof(link), "%s/link.csv", fx->dir);
	put_file(real, "old\n");
	assert_int_equal(symlink("real.csv", link), 0);
	lm_writer *w;
	assert_int_equal(open_one(fx, link, &w), LM_OK);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode)); /* the link stays, its file is replaced */
	assert_string_equal(slurp(real), expected);
}

/* A dangling link was replaced by a regular file; it is refused, and stays. */
static void test_dangling_link(void **state)
{
	struct fx *fx = *state;
	char link[128], gone[128];
	snprintf(link, sizeof(link), "%s/link.csv", fx->dir);
	snprintf(gone, sizeof(gone), "%s/gone.csv", fx->dir);
	assert_int_equal(symlink("gone.csv", link), 0);
	lm_writer *w = NULL;
	assert_int_equal(open_one(fx, link, &w), LM_EIO);
	assert_null(w);
	assert_non_null(strstr(lm_error_message(fx->err, 0), "symbolic link to a file that does not exist"));
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(gone, &st), -1);
	assert_int_equal(dir_entries(fx->dir, NULL), 1);
}

/* What a plain redirect may not open for writing is not replaced either. */
static void test_read_only_target(void **state)
{
	struct fx *fx = *state;
	char path[128];
	if (geteuid() == 0) {
		print_message("# skip: root may write a read-only file, so the refusal cannot be seen\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/ro.csv", fx->dir);
	put_file(path, "old\n");
	assert_int_equal(chmod(path, 0444), 0);
	lm_writer *w = NULL;
	assert_int_equal(open_one(fx, path, &w), LM_EIO);
	assert_non_null(strstr(lm_error_message(fx->err, 0), strerror(EACCES)));
	assert_string_equal(slurp(path), "old\n");
}

/*
 * The attack of issue 14: another user plants a link in a sticky
 * world-writable directory to a file of root's. `>` would be refused for
 * root where protected_symlinks is on; the writer refuses whatever the
 * setting, and the victim keeps its content. Needs root (to own a link as
 * another user).
 */
static void test_planted_link(void **state)
{
	struct fx *fx = *state;
	char sticky[128], victim[128], link[160], planted[160];
	if (geteuid() != 0) {
		print_message("# skip: needs root, to give a link to another user\n");
		return;
	}
	snprintf(sticky, sizeof(sticky), "%s/tmp", fx->dir);
	snprintf(victim, sizeof(victim), "%s/victim.txt", fx->dir);
	snprintf(link, sizeof(link), "%s/scores.csv", sticky);
	snprintf(planted, sizeof(planted), "%s/planted.csv", sticky);
	assert_int_equal(mkdir(sticky, 0777), 0);
	assert_int_equal(chmod(sticky, 01777), 0);
	put_file(victim, "root's\n");
	assert_int_equal(symlink(victim, link), 0);
	assert_int_equal(lchown(link, 65534, 65534), 0);
	lm_writer *w = NULL;
	assert_int_equal(open_one(fx, link, &w), LM_EIO);
	assert_non_null(strstr(lm_error_message(fx->err, 0), "not followed"));
	assert_string_equal(slurp(victim), "root's\n");
	lm_error_clear(fx->err);

	/* A file planted there is not replaced either. */
	put_file(planted, "theirs\n");
	assert_int_equal(chown(planted, 65534, 65534), 0);
	assert_int_equal(open_one(fx, planted, &w), LM_EIO);
	assert_non_null(strstr(lm_error_message(fx->err, 0), "not replaced"));
	assert_string_equal(slurp(planted), "theirs\n");
	lm_error_clear(fx->err);

	/* The user's own link there is followed. */
	assert_int_equal(lchown(link, 0, 0), 0);
	assert_int_equal(open_one(fx, link, &w), LM_OK);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	assert_string_equal(slurp(victim), expected);
}

/* ---- identities ------------------------------------------------------------ */

static void test_identities(void **state)
{
	struct fx *fx = *state;
	char a[128], a2[160], sub[128], b[160], in[128];
	lm_outputs *set;
	snprintf(a, sizeof(a), "%s/out.csv", fx->dir);
	snprintf(a2, sizeof(a2), "%s/./sub/../out.csv", fx->dir);
	snprintf(sub, sizeof(sub), "%s/sub", fx->dir);
	snprintf(b, sizeof(b), "%s/rejects.csv", fx->dir);
	snprintf(in, sizeof(in), "%s/in.csv", fx->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	put_file(in, "id\n");

	/* Two spellings of one output that does not exist yet. */
	assert_int_equal(lm_outputs_new(&set), LM_OK);
	assert_int_equal(lm_outputs_add_input(set, in, fx->err), LM_OK);
	assert_int_equal(lm_outputs_add_output(set, a, fx->err), LM_OK);
	assert_int_equal(lm_outputs_add_output(set, b, fx->err), LM_OK);
	assert_int_equal(lm_outputs_add_output(set, a2, fx->err), LM_EINVAL);
	assert_string_equal(lm_error_file(fx->err, 0), a2);
	assert_non_null(strstr(lm_error_message(fx->err, 0), "the same file as the output"));
	lm_error_clear(fx->err);
	lm_outputs_free(set);

	/* An output that is an input under another name (a link to it). */
	char link[160];
	snprintf(link, sizeof(link), "%s/sub/link.csv", fx->dir);
	assert_int_equal(symlink(in, link), 0);
	assert_int_equal(lm_outputs_new(&set), LM_OK);
	assert_int_equal(lm_outputs_add_output(set, link, fx->err), LM_OK);
	assert_int_equal(lm_outputs_add_input(set, in, fx->err), LM_EINVAL);
	assert_non_null(strstr(lm_error_message(fx->err, 0), "the same file as the output"));
	lm_error_clear(fx->err);
	/* Two inputs may be one file: reading twice harms nothing. */
	lm_outputs_free(set);
	assert_int_equal(lm_outputs_new(&set), LM_OK);
	assert_int_equal(lm_outputs_add_input(set, in, fx->err), LM_OK);
	assert_int_equal(lm_outputs_add_input(set, link, fx->err), LM_OK);

	/* Descriptors: a regular file is compared, a device is not. */
	int fd = open(in, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(lm_outputs_add_output_fd(set, fd, "<stdout>", fx->err), LM_EINVAL);
	assert_string_equal(lm_error_file(fx->err, 0), "<stdout>");
	close(fd);
	fd = open("/dev/null", O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(lm_outputs_add_output_fd(set, fd, NULL, fx->err), LM_OK);
	assert_int_equal(lm_outputs_add_output_fd(set, fd, NULL, fx->err), LM_OK);
	assert_int_equal(lm_outputs_add_input(set, "/dev/null", fx->err), LM_OK);
	close(fd);
	assert_int_equal(lm_outputs_add_input(NULL, in, NULL), LM_EINVAL);
	assert_int_equal(lm_outputs_add_output(set, NULL, NULL), LM_EINVAL);
	assert_int_equal(lm_outputs_add_output_fd(set, -1, NULL, NULL), LM_EINVAL);
	lm_outputs_free(set);
	lm_outputs_free(NULL);
}

/* ---- all or nothing ------------------------------------------------------------ */

/* Staged outputs are put in place together. */
static void test_commit_together(void **state)
{
	struct fx *fx = *state;
	char a[128], b[128];
	lm_outputs *set;
	lm_writer *w1, *w2;
	snprintf(a, sizeof(a), "%s/a.csv", fx->dir);
	snprintf(b, sizeof(b), "%s/b.csv", fx->dir);
	put_file(a, "old a\n");
	assert_int_equal(lm_outputs_new(&set), LM_OK);
	assert_int_equal(open_one(fx, a, &w1), LM_OK);
	assert_int_equal(open_one(fx, b, &w2), LM_OK);
	assert_int_equal(lm_writer_stage(w1, set, fx->err), LM_OK);
	assert_int_equal(lm_writer_stage(w2, set, fx->err), LM_OK);
	/* Staged: the writers take nothing more, and freeing them discards nothing. */
	assert_int_equal(lm_writer_write(w1, 2, "x", 1, fx->s), LM_EINVAL);
	assert_int_equal(lm_writer_commit(w1, fx->err), LM_EINVAL);
	assert_int_equal(lm_writer_stage(w1, set, fx->err), LM_EINVAL);
	lm_writer_free(w1);
	lm_writer_free(w2);
	assert_int_equal(lm_outputs_staged(set), 2);
	assert_string_equal(slurp(a), "old a\n");
	assert_int_equal(lm_outputs_commit(set, fx->err), LM_OK);
	assert_int_equal(lm_outputs_staged(set), 0);
	assert_string_equal(slurp(a), expected);
	assert_string_equal(slurp(b), expected);
	assert_int_equal(dir_entries(fx->dir, NULL), 2);
	lm_outputs_free(set);

	/* Freed without a commit: nothing. */
	assert_int_equal(lm_outputs_new(&set), LM_OK);
	put_file(a, "old a\n");
	unlink(b);
	assert_int_equal(open_one(fx, a, &w1), LM_OK);
	assert_int_equal(open_one(fx, b, &w2), LM_OK);
	assert_int_equal(lm_writer_stage(w1, set, fx->err), LM_OK);
	assert_int_equal(lm_writer_stage(w2, set, fx->err), LM_OK);
	lm_writer_free(w1);
	lm_writer_free(w2);
	lm_outputs_free(set);
	assert_string_equal(slurp(a), "old a\n");
	assert_int_equal(dir_entries(fx->dir, NULL), 1);
}

/* A descriptor that refuses the data (a full device): no file is replaced. */
static void test_full_device(void **state)
{
	struct fx *fx = *state;
	char a[128];
	lm_outputs *set;
	lm_writer *w1, *w2;
	int fd = open("/dev/full", O_WRONLY);
	if (fd < 0) {
		print_message("# skip: no /dev/full here\n");
		return;
	}
	snprintf(a, sizeof(a), "%s/a.csv", fx->dir);
	put_file(a, "old a\n");
	assert_int_equal(lm_outputs_new(&set), LM_OK);
	assert_int_equal(open_one(fx, a, &w1), LM_OK);
	assert_int_equal(lm_writer_open_fd(&w2, fx->inst, LM_WRITER_CSV, fd, fx->err), LM_OK);
	assert_int_equal(lm_writer_stage(w1, set, fx->err), LM_OK);
	assert_int_equal(lm_writer_stage(w2, set, fx->err), LM_OK);
	assert_int_equal(lm_outputs_commit(set, fx->err), LM_EIO);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_non_null(strstr(lm_error_text(fx->err, 0), strerror(ENOSPC)));
	assert_string_equal(slurp(a), "old a\n");
	assert_int_equal(dir_entries(fx->dir, NULL), 1);
	lm_writer_free(w1);
	lm_writer_free(w2);
	lm_outputs_free(set);
	close(fd);
}

/* A file that cannot be written whole (a file size limit, as a full disk):
 * it fails when staged, and the set then publishes nothing. */
static void test_stage_failure(void **state)
{
	struct fx *fx = *state;
	char a[128], b[128];
	lm_outputs *set;
	lm_writer *w1, *w2;
	snprintf(a, sizeof(a), "%s/a.csv", fx->dir);
	snprintf(b, sizeof(b), "%s/b.csv", fx->dir);
	put_file(a, "old a\n");
	assert_int_equal(lm_outputs_new(&set), LM_OK);
	assert_int_equal(open_one(fx, a, &w1), LM_OK);
	assert_int_equal(lm_writer_stage(w1, set, fx->err), LM_OK); /* rejects first, as libra does */

	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 4096;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(lm_writer_open_file(&w2, fx->inst, LM_WRITER_JSONL, b, fx->err), LM_OK);
	for (unsigned long r = 1; r <= 100; r++)
		assert_int_equal(lm_writer_write(w2, r, "id", 2, fx->s), LM_OK); /* held in the buffer */
	int rc = lm_writer_stage(w2, set, fx->err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, prev);
	assert_int_equal(rc, LM_EIO);
	assert_string_equal(lm_error_file(fx->err, 0), b);
	assert_non_null(strstr(lm_error_message(fx->err, 0), strerror(EFBIG)));
	lm_error_clear(fx->err);
	assert_int_equal(lm_outputs_commit(set, fx->err), LM_EIO);
	assert_non_null(strstr(lm_error_message(fx->err, 0), "no output written"));
	assert_string_equal(slurp(a), "old a\n");
	assert_int_equal(dir_entries(fx->dir, NULL), 1);
	lm_writer_free(w1);
	lm_writer_free(w2);
	lm_outputs_free(set);
}

/* ---- temporary files ----------------------------------------------------------- */

/* Where there is O_TMPFILE (Linux), a temporary file has no name before the
 * commit; where there is not, it has one, which a signal handler can remove. */
static void test_temporaries(void **state)
{
	struct fx *fx = *state;
	char a[128];
	int temps;
	lm_writer *w;
	snprintf(a, sizeof(a), "%s/a.csv", fx->dir);
	assert_int_equal(open_one(fx, a, &w), LM_OK);
#ifdef __linux__
	assert_int_equal(dir_entries(fx->dir, &temps), 0);
#endif
	lm_writer_free(w);

	lm__out_no_tmpfile = 1;
	assert_int_equal(open_one(fx, a, &w), LM_OK);
	assert_int_equal(dir_entries(fx->dir, &temps), 1);
	assert_int_equal(temps, 1);
	lm_outputs_remove_temporaries();
	assert_int_equal(dir_entries(fx->dir, &temps), 0);
	lm_writer_free(w); /* after a handler ran: nothing to remove, nothing freed twice */

	/* The fallback still commits. */
	assert_int_equal(open_one(fx, a, &w), LM_OK);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	assert_string_equal(slurp(a), expected);
	assert_int_equal(dir_entries(fx->dir, &temps), 1);
	assert_int_equal(temps, 0);
}

/* How many of this process's descriptors lead into @p dir (/proc/self/fd); -1 without /proc. */
static int fds_into(const char *dir)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char link[300], target[512];
	size_t n = strlen(dir);
	int count = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		ssize_t len = readlink(link, target, sizeof(target) - 1);
		if (len > 0) {
			target[len] = '\0';
			count += strncmp(target, dir, n) == 0 && target[n] == '/';
		}
	}
	closedir(d);
	return count;
}

/*
 * Output to a descriptor is spooled in the directory TMPDIR names (else
 * /tmp), which may be the only place with room for it, in a file that never
 * shows there: an O_TMPFILE one, or a named one removed at once. A TMPDIR
 * that cannot hold it is said by name.
 */
static void test_spool_in_tmpdir(void **state)
{
	struct fx *fx = *state;
	const char *was = getenv("TMPDIR");
	char *saved = was ? strdup(was) : NULL;
	char out[128], spool[128], missing[128];
	snprintf(out, sizeof(out), "%s/out.csv", fx->dir);
	snprintf(spool, sizeof(spool), "%s/spool", fx->dir);
	snprintf(missing, sizeof(missing), "%s/no-such-dir", fx->dir);
	assert_int_equal(mkdir(spool, 0700), 0);
	assert_int_equal(setenv("TMPDIR", spool, 1), 0);
	for (int named = 0; named < 2; named++) {
		lm__out_no_tmpfile = named;
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		lm_writer *w;
		assert_true(fd >= 0);
		assert_int_equal(lm_writer_open_fd(&w, fx->inst, LM_WRITER_CSV, fd, fx->err), LM_OK);
		int open_before = fds_into(spool);
		if (open_before >= 0)
			assert_int_equal(open_before, 1);
		assert_int_equal(dir_entries(spool, NULL), 0);
		assert_int_equal(lm_writer_write(w, 1, "r1", 2, fx->s), LM_OK);
		assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
		lm_writer_free(w);
		assert_int_equal(close(fd), 0);
		assert_string_equal(slurp(out), expected);
		if (open_before >= 0)
			assert_int_equal(fds_into(spool), 0);
		assert_int_equal(dir_entries(spool, NULL), 0);
	}
	assert_int_equal(setenv("TMPDIR", missing, 1), 0);
	lm_writer *w = (lm_writer *)fx; /* must be set to NULL */
	assert_int_equal(lm_writer_open_fd(&w, fx->inst, LM_WRITER_CSV, STDOUT_FILENO, fx->err), LM_EIO);
	assert_null(w);
	assert_int_equal(lm_error_count(fx->err), 1);
	assert_non_null(strstr(lm_error_text(fx->err, 0), missing));
	assert_non_null(strstr(lm_error_text(fx->err, 0), strerror(ENOENT)));
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

/* A process killed by a signal its handler catches leaves no named temporary. */
static void handler(int sig)
{
	lm_outputs_remove_temporaries();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * A child process opens a writer to @p path under a named temporary (the
 * fallback), checks that it exists, and is killed by @p sig — through
 * handler() when @p handled. Returns once it has died of that signal.
 */
static void killed_writer(struct fx *fx, const char *path, int sig, int handled)
{
	int temps;
	lm__out_no_tmpfile = 1;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		lm_writer *w;
		if (handled)
			signal(sig, handler);
		if (open_one(fx, path, &w) != LM_OK)
			_exit(1);
		if (dir_entries(fx->dir, &temps) != 1 || temps != 1)
			_exit(2);
		raise(sig);
		_exit(3);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), sig);
}

static void test_signal_cleanup(void **state)
{
	struct fx *fx = *state;
	char a[128];
	int temps;
	snprintf(a, sizeof(a), "%s/a.csv", fx->dir);
	killed_writer(fx, a, SIGTERM, 1);
	assert_int_equal(dir_entries(fx->dir, &temps), 0);
}

static int exists(const char *dir, const char *name)
{
	char p[256];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

/*
 * A temporary file a killed run left (SIGKILL, which no handler sees, or a
 * crash) is removed by the next output opened on the same target — but only an
 * unlocked regular file under exactly such a name: never the one a live
 * writer holds, nor a link, a directory, or another target's.
 */
static void test_stale_temporaries(void **state)
{
	struct fx *fx = *state;
	char a[128], p[256];
	int temps;
	snprintf(a, sizeof(a), "%s/a.csv", fx->dir);

	/* A run killed with its named temporary open. */
	killed_writer(fx, a, SIGKILL, 0);
	assert_int_equal(dir_entries(fx->dir, &temps), 1);
	assert_int_equal(temps, 1);

	/* Names that are not this target's temporaries, or not files. */
	static const char *const kept[] = {".a.csv.tmp-abcde", ".a.csv.tmp-abcdefg", ".b.csv.tmp-abcdef",
					   ".a.csv.tmp-ab_def", "a.csv.tmp-abcdef"};
	for (size_t k = 0; k < sizeof(kept) / sizeof(*kept); k++) {
		snprintf(p, sizeof(p), "%s/%s", fx->dir, kept[k]);
		put_file(p, "not ours\n");
	}
	snprintf(p, sizeof(p), "%s/.a.csv.tmp-Link12", fx->dir);
	assert_int_equal(symlink("a.csv", p), 0);
	snprintf(p, sizeof(p), "%s/.a.csv.tmp-Dir123", fx->dir);
	assert_int_equal(mkdir(p, 0700), 0);

	/* The next writer to the same target removes the killed run's file,
	 * and only that, when it opens: it lives on under a name of its own. */
	lm_writer *live, *w;
	assert_int_equal(open_one(fx, a, &live), LM_OK);
	assert_int_equal(dir_entries(fx->dir, &temps), 8);
	assert_int_equal(temps, 8);

	/* Another writer to it leaves the live one's file alone. */
	lm__out_no_tmpfile = 0;
	assert_int_equal(open_one(fx, a, &w), LM_OK);
	assert_int_equal(lm_writer_commit(w, fx->err), LM_OK);
	lm_writer_free(w);
	assert_string_equal(slurp(a), expected);
	assert_int_equal(dir_entries(fx->dir, &temps), 9);
	assert_int_equal(temps, 8);
	for (size_t k = 0; k < sizeof(kept) / sizeof(*kept); k++)
		assert_true(exists(fx->dir, kept[k]));
	assert_true(exists(fx->dir, ".a.csv.tmp-Link12"));
	assert_true(exists(fx->dir, ".a.csv.tmp-Dir123"));

	/* The live writer still commits. */
	assert_int_equal(lm_writer_commit(live, fx->err), LM_OK);
	lm_writer_free(live);
	assert_string_equal(slurp(a), expected);
	assert_int_equal(dir_entries(fx->dir, &temps), 8);
	assert_int_equal(temps, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_link_to_own_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dangling_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_planted_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_together, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stage_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_temporaries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_in_tmpdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_cleanup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_temporaries, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
