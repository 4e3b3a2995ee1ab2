/*
 * libra_measures — the outputs of one run (outputs.h): staged outputs
 * published together, and the identities of the run's files. The named
 * temporary files a signal handler may remove are temporaries.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "libra_measures/outputs.h"
#include "output-priv.h"

/* ---- identities ----------------------------------------------------------- */

/* A file of the run: by device and inode when it exists, by its directory's
 * device and inode and its name when it does not (yet). */
struct file_id {
	int kind; /* ID_NONE (not a file an output could replace), ID_INODE, ID_NAME */
	dev_t dev;
	ino_t ino;
	char *name;  /* ID_NAME: the last component */
	char *label; /* as the user named it */
	int output;
};
enum { ID_NONE, ID_INODE, ID_NAME };

struct lm_outputs {
	struct lm_out **outs;
	size_t n, cap;
	struct file_id *ids;
	size_t n_ids, cap_ids;
	int failed; /* an output failed to stage: the commit publishes nothing */
};

int lm_outputs_new(lm_outputs **out)
{
	if (!out)
		return LM_EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? LM_OK : LM_ENOMEM;
}

static void discard_all(lm_outputs *set)
{
	for (size_t i = 0; i < set->n; i++)
		lm__out_free(set->outs[i]);
	set->n = 0;
	set->failed = 0;
}

void lm_outputs_free(lm_outputs *set)
{
	if (!set)
		return;
	discard_all(set);
	free(set->outs);
	for (size_t i = 0; i < set->n_ids; i++) {
		free(set->ids[i].name);
		free(set->ids[i].label);
	}
	free(set->ids);
	free(set);
}

size_t lm_outputs_staged(const lm_outputs *set)
{
	return set ? set->n : 0;
}

/* The identity of @p path: a regular file (through links) by inode; one that
 * does not exist by its directory's inode and its name. */
static int path_id(const char *path, struct file_id *id)
{
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISREG(st.st_mode)) {
			id->kind = ID_INODE;
			id->dev = st.st_dev;
			id->ino = st.st_ino;
		}
		return LM_OK;
	}
	struct stat lst;
	if (lstat(path, &lst) == 0) {
		/* A dangling link: no output may go through it anyway (output.c);
		 * the link itself is the file. */
		id->kind = ID_INODE;
		id->dev = lst.st_dev;
		id->ino = lst.st_ino;
		return LM_OK;
	}
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	const char *end = path + len, *base = end;
	while (base > path && base[-1] != '/')
		base--;
	char *dir = base == path ? lm__strdup(".") : lm__strndup(path, (size_t)(base - path));
	if (!dir)
		return LM_ENOMEM;
	int r = stat(dir, &st);
	free(dir);
	if (r != 0)
		return LM_OK; /* no such directory: nothing can be written there, nor read */
	if (!(id->name = lm__strndup(base, (size_t)(end - base))))
		return LM_ENOMEM;
	id->kind = ID_NAME;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return LM_OK;
}

static int same_id(const struct file_id *a, const struct file_id *b)
{
	return a->kind != ID_NONE && a->kind == b->kind && a->dev == b->dev && a->ino == b->ino &&
	       (a->kind == ID_INODE || strcmp(a->name, b->name) == 0);
}

/* Compare, then keep. */
static int add_id(lm_outputs *set, struct file_id *id, const char *label, int output, lm_error *err)
{
	id->output = output;
	for (size_t i = 0; i < set->n_ids; i++) {
		const struct file_id *o = &set->ids[i];
		if ((output || o->output) && same_id(id, o)) {
			int r = lm__error(err, LM_EINVAL, label, 0, 0,
					  "is the same file as the %s '%s': every input and output of a run must be a "
					  "file of its own",
					  o->output ? "output" : "input", o->label);
			free(id->name);
			return r;
		}
	}
	if (set->n_ids == set->cap_ids) {
		size_t cap = set->cap_ids ? 2 * set->cap_ids : 8;
		struct file_id *p = realloc(set->ids, cap * sizeof(*p));
		if (!p) {
			free(id->name);
			return LM_ENOMEM;
		}
		set->ids = p;
		set->cap_ids = cap;
	}
	if (!(id->label = lm__strdup(label))) {
		free(id->name);
		return LM_ENOMEM;
	}
	set->ids[set->n_ids++] = *id;
	return LM_OK;
}

static int add_path(lm_outputs *set, const char *path, int output, lm_error *err)
{
	if (!set || !path || !*path)
		return LM_EINVAL;
	struct file_id id = {0};
	int r = path_id(path, &id);
	return r == LM_OK ? add_id(set, &id, path, output, err) : r;
}

static int add_fd(lm_outputs *set, int fd, const char *name, int output, lm_error *err)
{
	if (!set || fd < 0)
		return LM_EINVAL;
	struct file_id id = {0};
	struct stat st;
	char label[64];
	if (!name) {
		snprintf(label, sizeof(label), "<file descriptor %d>", fd);
		name = label;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		id.kind = ID_INODE;
		id.dev = st.st_dev;
		id.ino = st.st_ino;
	}
	return add_id(set, &id, name, output, err);
}

int lm_outputs_add_input(lm_outputs *set, const char *path, lm_error *err)
{
	return add_path(set, path, 0, err);
}

int lm_outputs_add_output(lm_outputs *set, const char *path, lm_error *err)
{
	return add_path(set, path, 1, err);
}

int lm_outputs_add_input_fd(lm_outputs *set, int fd, const char *name, lm_error *err)
{
	return add_fd(set, fd, name, 0, err);
}

int lm_outputs_add_output_fd(lm_outputs *set, int fd, const char *name, lm_error *err)
{
	return add_fd(set, fd, name, 1, err);
}

/* ---- staging and committing ------------------------------------------------ */

int lm__outputs_stage(lm_outputs *set, struct lm_out *o, lm_error *err)
{
	if (!set || !o) {
		lm__out_free(o);
		return LM_EINVAL;
	}
	int rc = LM_ENOMEM;
	if (set->n == set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 4;
		struct lm_out **p = realloc(set->outs, cap * sizeof(*p));
		if (p) {
			set->outs = p;
			set->cap = cap;
		}
	}
	if (set->n < set->cap)
		rc = lm__out_prepare(o, err);
	if (rc != LM_OK) {
		/* One output lost: so are the others, at the commit. */
		set->failed = 1;
		lm__out_free(o);
		return rc;
	}
	set->outs[set->n++] = o;
	return LM_OK;
}

void lm__outputs_fail(struct lm_outputs *set)
{
	if (set)
		set->failed = 1;
}

int lm_outputs_commit(lm_outputs *set, lm_error *err)
{
	if (!set)
		return LM_EINVAL;
	int rc;
	if (set->failed)
		rc = lm__error(err, LM_EIO, NULL, 0, 0,
			       "no output written: one could not be written (said above), so none is");
	else
		rc = lm__out_publish(set->outs, set->n, err);
	discard_all(set);
	return rc;
}
