/*
 * libra_measures — loading instrument definitions: from a YAML file, from a
 * buffer, or from the definitions compiled into the library.
 *
 * Loading validates strictly and reports every problem it finds at once,
 * each with its file, line and column, into the optional lm_error. A
 * definition that passes may still get warnings there — diagnostics with code
 * LM_OK whose message begins "warning: " (an item that is reverse-keyed but
 * in no scale) — while the load returns LM_OK.
 *
 * Limits (LM_ELIMIT, with the place; doc/FORMAT.md): a definition is at most
 * 1 MiB, nests lists and mappings at most 16 deep, holds at most 100,000
 * values, at most 1,000 entries in one list or mapping, and texts of at most
 * 16 KiB. It must be UTF-8 without control characters (else LM_ESYNTAX), and
 * aliases are refused (LM_EDEFINITION).
 *
 * Thread safety: every function here may be called from any thread.
 */
#ifndef LIBRA_MEASURES_LOAD_H
#define LIBRA_MEASURES_LOAD_H

#include "common.h"
#include "error.h"
#include "instrument.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Load a definition from a YAML file.
 * @param[out] out the instrument; the caller owns it (lm_instrument_free()). NULL on failure.
 * @param[in] path file to read.
 * @param[in,out] err optional; receives one diagnostic per problem.
 * @return LM_OK, LM_EIO, LM_ESYNTAX, LM_EDEFINITION, LM_ELIMIT, LM_ENOMEM or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_instrument_load_file(lm_instrument **out, const char *path, lm_error *err);

/**
 * Load a definition from memory.
 * @param[in] yaml the text (need not be NUL-terminated).
 * @param[in] len its length in bytes.
 * @param[in] name the name diagnostics use for this source (e.g. a path); may be NULL.
 * Otherwise as lm_instrument_load_file().
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_instrument_load_buffer(lm_instrument **out, const char *yaml, size_t len,
						     const char *name, lm_error *err);

/**
 * Load one of the definitions compiled into the library (see lm_builtin_count()).
 * @return LM_OK, LM_ENOTFOUND, LM_ENOMEM or LM_EINVAL.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_instrument_load_builtin(lm_instrument **out, const char *id, lm_error *err);

/**
 * Load @p spec as a built-in id if there is one by that name, otherwise as a path.
 * This is what a command line wants for an INSTRUMENT argument.
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_instrument_load(lm_instrument **out, const char *spec, lm_error *err);

/** Number of built-in definitions. @since 0.1 */
LM_EXPORT size_t lm_builtin_count(void);
/** Id of built-in definition @p i (static string); NULL if out of range. @since 0.1 */
LM_EXPORT const char *lm_builtin_id(size_t i);
/** The YAML text of built-in @p i (static, NUL-terminated); NULL if out of range. @since 0.1 */
LM_EXPORT const char *lm_builtin_yaml(size_t i);

#ifdef __cplusplus
}
#endif

#endif
