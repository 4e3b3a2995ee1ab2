/*
 * libra_measures — the outputs of one run, put in place together or not at
 * all, and kept apart from its inputs.
 *
 * Every output (a score writer, a rejects file, a pre/post result or summary,
 * a report) is written to a temporary file beside its target — on Linux an
 * O_TMPFILE file, which has no name, so a run killed before its commit leaves
 * nothing behind — or, for a descriptor, to an anonymous spool file in the
 * directory TMPDIR names (else /tmp). A commit
 * has two phases:
 *
 *  1. prepare (lm_writer_stage(), lm_rejects_stage(), lm_prepost_stage_file()
 *     and _fd(), lm_report_stage_file() and _fd()): flush, and make the file
 *     durable (fsync). Writing errors — a full disk, a file size limit, an
 *     I/O error — surface here, and the output is discarded.
 *  2. publish (lm_outputs_commit()): copy the spools to their descriptors,
 *     give each file a name beside its target, then rename each over its
 *     target. Nothing is published when any output failed to stage.
 *
 * Descriptors are written first, because a copy can fail half-way (a full
 * device, a closed pipe) while a rename within a directory cannot run out of
 * anything; a failure there is reported, and the message names any output
 * already written. So a full disk, or a device that refuses the data, leaves
 * every target as it was.
 *
 * The set also keeps a run's files apart: lm_outputs_add_input() and
 * lm_outputs_add_output() (and their _fd twins) refuse an output that is the
 * same file as an input or as another output, compared by identity (device
 * and inode of a file that exists, resolved directory and name of one that
 * does not yet), before anything is read or written.
 *
 * The single-output commits (lm_writer_commit(), lm_rejects_commit(),
 * lm_prepost_write_file(), lm_report_write_file() ...) do both phases for
 * one output.
 *
 * Where an output goes (the same rules for every writer): a path that is a
 * symbolic link is followed to the file it points to, which is replaced and
 * the link kept, but only where a plain shell redirect could have written:
 * the target must exist (a dangling link is refused, not replaced), must be
 * open for writing to the user (permissions, and the kernel's
 * protected_symlinks), and no link or file that belongs to another user in a
 * world-writable sticky directory (/tmp) is followed or replaced, for root
 * too. A device, FIFO or socket is written to, never replaced.
 *
 * Thread safety: a set is used by one thread at a time.
 */
#ifndef LIBRA_MEASURES_OUTPUTS_H
#define LIBRA_MEASURES_OUTPUTS_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The outputs of one run. Opaque. */
typedef struct lm_outputs lm_outputs;

/**
 * A new, empty set.
 * @param[out] out owned by the caller (lm_outputs_free()).
 * @return LM_OK, LM_EINVAL or LM_ENOMEM.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_outputs_new(lm_outputs **out);

/**
 * Free a set; outputs staged in it and not committed are discarded (their
 * targets stay as they were). Accepts NULL.
 * @since 0.3
 */
LM_EXPORT void lm_outputs_free(lm_outputs *set);

/**
 * Record an input file of the run, so that no output of the set may be it.
 * A path that does not exist is recorded by its directory and name.
 * @return LM_OK; LM_EINVAL (with a diagnostic) when it is the same file as an
 *         output already recorded; LM_ENOMEM.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_outputs_add_input(lm_outputs *set, const char *path, lm_error *err);

/**
 * As lm_outputs_add_input(), for an open descriptor (standard input) that is a
 * regular file; other descriptors (a terminal, a pipe) are not files that an
 * output could replace, and are accepted.
 * @param[in] name what messages call it, e.g. "<stdin>"; NULL for "<file descriptor N>".
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_outputs_add_input_fd(lm_outputs *set, int fd, const char *name, lm_error *err);

/**
 * Record an output path of the run.
 * @return LM_OK; LM_EINVAL (with a diagnostic naming both) when it is the same
 *         file as an input or an output already recorded — `out.csv` and
 *         `./out.csv`, or a link and its target; LM_ENOMEM.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_outputs_add_output(lm_outputs *set, const char *path, lm_error *err);

/**
 * As lm_outputs_add_output(), for a descriptor (standard output) that is a
 * regular file; two outputs to one terminal or pipe are accepted.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_outputs_add_output_fd(lm_outputs *set, int fd, const char *name, lm_error *err);

/**
 * Publish every output staged in the set: all of them, or — when one failed
 * to stage, or a copy to a descriptor fails — none (the diagnostic says why,
 * and names any output already written when a failure came at publish). The
 * set is empty afterwards, whatever the result.
 * @return LM_OK, LM_EIO or LM_EINVAL.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_outputs_commit(lm_outputs *set, lm_error *err);

/** Outputs staged and not yet committed or discarded. @since 0.3 */
LM_EXPORT size_t lm_outputs_staged(const lm_outputs *set);

/**
 * Remove every temporary file the library has created under a name and not
 * yet put in place or removed, in every set and writer of the process. Only
 * for a signal handler that then ends the process: async-signal-safe, and
 * the outputs concerned cannot be committed afterwards.
 *
 * On Linux, temporary files normally have no name (O_TMPFILE) until the
 * moment of publishing, and there is little or nothing to remove; elsewhere
 * (or on a filesystem without O_TMPFILE) they do, and a handler for SIGINT,
 * SIGTERM and SIGHUP that calls this leaves nothing behind. SIGKILL cannot
 * be caught. At most 64 names are kept; beyond that some are not removed.
 *
 * What a killed process leaves (".NAME.tmp-" and six letters or digits,
 * beside the target) is removed when the next output to the same target is
 * opened, in any process: each process holds a lock (flock) on its
 * temporary files until they are renamed, and only unlocked regular files
 * of the same user are removed.
 * @since 0.3
 */
LM_EXPORT void lm_outputs_remove_temporaries(void);

#ifdef __cplusplus
}
#endif

#endif
