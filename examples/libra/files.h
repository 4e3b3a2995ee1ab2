/*
 * libra — the files of one run: each input and output recorded (and refused
 * when one output would overwrite another file of the run), the standard
 * output checked at exit, and temporary files removed on a signal.
 */
#ifndef LIBRA_FILES_H
#define LIBRA_FILES_H

#include <libra_measures/libra_measures.h>

/* Record the input @p path (NULL: standard input). 1, or 0 after saying why not. */
int files_input(lm_outputs *set, const char *path, lm_error *err);
/* Record INSTRUMENT as an input when it names a file rather than a bundled definition. */
int files_definition(lm_outputs *set, const char *spec, lm_error *err);
/* Record the output @p path (NULL: standard output). 1, or 0 after saying why not. */
int files_output(lm_outputs *set, const char *path, lm_error *err);

/* Remove the library's named temporary files on SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT and SIGPIPE, then die of the signal; report a file size limit as a
 * write error rather than die of SIGXFSZ. */
void files_handle_signals(void);

/* Flush and close the standard output: output lost (a full device, a closed
 * descriptor, an error at close) turns @p status 0 or 3 into 1, said. */
int files_close_stdout(int status);

#endif
