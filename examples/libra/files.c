/*
 * libra — the files of one run (files.h). The rules are the library's
 * (outputs.h); this says them on the command line.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "files.h"

/* Say why a file was refused: the library's diagnostic names both files. */
static int refused(lm_error *err)
{
	for (size_t i = 0; i < lm_error_count(err); i++)
		fprintf(stderr, "libra: refusing to run: %s\n", lm_error_text(err, i));
	if (lm_error_count(err) == 0)
		fputs("libra: out of memory\n", stderr);
	lm_error_clear(err);
	return 0;
}

int files_input(lm_outputs *set, const char *path, lm_error *err)
{
	int rc = path ? lm_outputs_add_input(set, path, err) : lm_outputs_add_input_fd(set, STDIN_FILENO, "<stdin>", err);
	return rc == LM_OK ? 1 : refused(err);
}

int files_definition(lm_outputs *set, const char *spec, lm_error *err)
{
	for (size_t i = 0; i < lm_builtin_count(); i++)
		if (strcmp(lm_builtin_id(i), spec) == 0)
			return 1;
	/* An id found along the search path is the file it was found in; one
	 * not found is said when the definition is loaded. */
	if (!strchr(spec, '/') && access(spec, F_OK) != 0) {
		lm_instrument *inst = NULL;
		int ok = 1;
		if (lm_instrument_find(&inst, spec, NULL) == LM_OK &&
		    strncmp(lm_instrument_source(inst), "builtin:", 8) != 0)
			ok = files_input(set, lm_instrument_source(inst), err);
		lm_instrument_free(inst);
		return ok;
	}
	return files_input(set, spec, err);
}

int files_output(lm_outputs *set, const char *path, lm_error *err)
{
	int rc = path ? lm_outputs_add_output(set, path, err)
		      : lm_outputs_add_output_fd(set, STDOUT_FILENO, "<stdout>", err);
	return rc == LM_OK ? 1 : refused(err);
}

static void on_signal(int sig)
{
	/* Async-signal-safe; the handler was reset to the default (SA_RESETHAND). */
	lm_outputs_remove_temporaries();
	raise(sig);
}

void files_handle_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;
		/* A signal ignored by whoever started libra (nohup) stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
	signal(SIGXFSZ, SIG_IGN);
}

int files_close_stdout(int status)
{
	int failed = fflush(stdout) != 0 || ferror(stdout), e = errno;

	/* A standard output closed by the caller (>&-) is no loss when nothing was written to it. */
	if (fclose(stdout) != 0 && !failed && errno != EBADF) {
		failed = 1;
		e = errno;
	}
	if (!failed)
		return status;
	fprintf(stderr, "libra: cannot write the standard output: %s\n", strerror(e ? e : EIO));
	return status == 0 || status == 3 ? 1 : status;
}
