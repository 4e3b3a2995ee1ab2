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
 * Load @p spec as a command line's INSTRUMENT argument means it: a built-in
 * id; else, when it holds a '/', the path of a definition; else an id found
 * along the search path (lm_instrument_find()); else, when there is a file
 * by that name, that file. A definition found by id that shadows a built-in
 * is an error (LM_EDEFINITION), as in lm_instrument_find().
 * @since 0.1 (the search path since 0.3)
 */
LM_EXPORT LM_NODISCARD int lm_instrument_load(lm_instrument **out, const char *spec, lm_error *err);

/**
 * Find and load the definition of instrument @p id, searching in this order:
 *  1. the built-ins (lm_builtin_id());
 *  2. each directory of the environment variable `LIBRA_MEASURES_PATH`
 *     (directories separated by ':'; empty entries are skipped);
 *  3. `$XDG_DATA_HOME/libra_measures/instruments`, where `XDG_DATA_HOME`
 *     defaults to `$HOME/.local/share` (a relative value is ignored);
 *  4. the installed data directory (lm_instruments_dir()).
 * In a directory, the definition of ID is the file `ID.yaml` (or `ID.yml`),
 * whose `id:` must be ID; the first directory that has it wins. The
 * environment is read at each call.
 *
 * A definition anywhere on the path with a built-in's id is an error
 * (LM_EDEFINITION) whose diagnostic names the file and says that the id is
 * built in — except, in the installed data directory, a file identical to the
 * built-in (its installed copy).
 * @param[out] out the instrument; the caller owns it (lm_instrument_free()). NULL on failure.
 * @return LM_OK; LM_ENOTFOUND (the diagnostic lists the directories searched);
 *         LM_EDEFINITION, or what lm_instrument_load_file() returns for the file found;
 *         LM_ENOMEM or LM_EINVAL.
 * Thread safety: may be called from any thread, as long as no thread changes the environment.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_instrument_find(lm_instrument **out, const char *id, lm_error *err);

/**
 * The installed data directory of definitions (PREFIX/share/libra_measures/instruments
 * as configured at build time): the last place lm_instrument_find() looks.
 * @return a static string.
 * @since 0.3
 */
LM_EXPORT const char *lm_instruments_dir(void);

/**
 * Every instrument that lm_instrument_find() can find, loaded: what `libra list` shows.
 * Opaque; immutable once made, so it may be shared between threads.
 */
typedef struct lm_catalog lm_catalog;

/**
 * Look along the search path (lm_instrument_find()) for every definition:
 * the built-ins first, then each directory's `*.yaml` and `*.yml` files in
 * name order, each id once (the first place that has it). A file that does
 * not load, whose id is not its file name, or that shadows a built-in is
 * reported in @p err (one diagnostic each, naming the file) and left out;
 * the call still succeeds, so check lm_error_total().
 * @param[out] out the catalog; the caller owns it (lm_catalog_free()).
 * @return LM_OK, LM_ENOMEM or LM_EINVAL.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_catalog_new(lm_catalog **out, lm_error *err);

/** Free a catalog. Accepts NULL. Instruments taken from it with their own reference stay valid. @since 0.3 */
LM_EXPORT void lm_catalog_free(lm_catalog *catalog);

/** Number of instruments in the catalog; 0 for NULL. @since 0.3 */
LM_EXPORT size_t lm_catalog_count(const lm_catalog *catalog);

/**
 * Instrument @p i of the catalog; lm_instrument_source() gives its file
 * (or "builtin:ID").
 * @return borrowed, valid while the catalog lives; NULL if @p i is out of range.
 * @since 0.3
 */
LM_EXPORT const lm_instrument *lm_catalog_instrument(const lm_catalog *catalog, size_t i);

/**
 * Where instrument @p i was found: "built-in", "LIBRA_MEASURES_PATH",
 * "XDG_DATA_HOME" or "installed".
 * @return a static string; NULL if @p i is out of range.
 * @since 0.3
 */
LM_EXPORT const char *lm_catalog_origin(const lm_catalog *catalog, size_t i);

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
