/*
 * libra_measures — where an output goes (output-priv.h): the file a path
 * names, followed through a symbolic link by the rules a plain shell
 * redirect meets, never anything planted by another user in a sticky
 * world-writable directory; a device, FIFO or socket is left to be written
 * to, not replaced. output.c writes the temporary file beside what this finds.
 */
/* realpath() is XSI. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "output-priv.h"

char *lm__out_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return lm__strdup(".");
	while (slash > path && slash[-1] == '/')
		slash--;
	return lm__strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/*
 * In a sticky world-writable directory (/tmp) anyone may create entries, so
 * one that belongs neither to the user nor to the directory's owner may have
 * been planted there. Like the kernel's protected_symlinks (and
 * protected_regular), such a link is not followed and such a file not
 * replaced — whatever those settings are, and for root too.
 */
static int check_planted(const char *path, const struct stat *lst, lm_error *err)
{
	char *dir = lm__out_dir_of(path);
	struct stat dst;
	if (!dir)
		return LM_ENOMEM;
	int r = stat(dir, &dst);
	free(dir);
	if (r != 0 || (dst.st_mode & (S_ISVTX | S_IWOTH)) != (S_ISVTX | S_IWOTH) || lst->st_uid == geteuid() ||
	    lst->st_uid == dst.st_uid)
		return LM_OK;
	return lm__error(err, LM_EIO, path, 0, 0,
			 "%s another user (uid %lu) in a world-writable sticky directory: not %s, as a plain "
			 "redirect would not be where the kernel protects such entries",
			 S_ISLNK(lst->st_mode) ? "is a symbolic link owned by" : "is a file owned by",
			 (unsigned long)lst->st_uid, S_ISLNK(lst->st_mode) ? "followed" : "replaced");
}

/*
 * Where the output of @p path goes: @p path itself, or, through a symbolic
 * link, the file it points to (*real, allocated). The rules are a plain
 * redirect's: what could not be opened for writing is not replaced; a link
 * is followed only to a file that exists; nothing planted in a sticky
 * directory is followed or replaced. *st is the target's status (st_mode 0
 * when it does not exist).
 */
int lm__out_resolve_target(const char *path, char **real, struct stat *st, lm_error *err)
{
	struct stat lst;
	*real = NULL;
	memset(st, 0, sizeof(*st));
	if (lstat(path, &lst) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return LM_OK; /* a new file; a missing directory is said when it is opened */
		return lm__error(err, LM_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
	}
	int r = check_planted(path, &lst, err);
	if (r != LM_OK)
		return r;
	if (S_ISLNK(lst.st_mode)) {
		if (stat(path, st) != 0) {
			int e = errno;
			memset(st, 0, sizeof(*st));
			if (e == ENOENT)
				return lm__error(err, LM_EIO, path, 0, 0,
						 "is a symbolic link to a file that does not exist; not followed (create "
						 "the file first, or name it rather than the link)");
			return lm__error(err, LM_EIO, path, 0, 0, "cannot follow the symbolic link: %s", strerror(e));
		}
	} else {
		*st = lst;
	}
	if (S_ISDIR(st->st_mode))
		return lm__error(err, LM_EIO, path, 0, 0, "is a directory");
	if (!S_ISREG(st->st_mode))
		return LM_OK; /* a device, FIFO or socket: written to, not replaced */
	/* Opening for writing without O_TRUNC changes nothing, and applies every
	 * rule a redirect meets: permissions, the kernel's protected_symlinks. */
	int probe = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat pst;
	if (probe < 0)
		return lm__error(err, LM_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
	r = fstat(probe, &pst);
	close(probe);
	if (r != 0 || pst.st_dev != st->st_dev || pst.st_ino != st->st_ino)
		return lm__error(err, LM_EIO, path, 0, 0, "changed while it was being opened; not written");
	if (!S_ISLNK(lst.st_mode))
		return LM_OK;
	struct stat rst;
	if (!(*real = realpath(path, NULL)))
		return errno == ENOMEM ? LM_ENOMEM
				       : lm__error(err, LM_EIO, path, 0, 0, "cannot follow the symbolic link: %s",
						   strerror(errno));
	if (lstat(*real, &rst) != 0 || rst.st_dev != st->st_dev || rst.st_ino != st->st_ino)
		return lm__error(err, LM_EIO, path, 0, 0, "changed while it was being opened; not written");
	/* The file the link leads to is replaced: it must not be a planted one either. */
	return check_planted(*real, &rst, err);
}
