/*
 * libra — the library's problems as the CLI prints them.
 */
#ifndef LIBRA_PROBLEMS_H
#define LIBRA_PROBLEMS_H

#include <libra_measures/libra_measures.h>

/* Print every diagnostic in @p err; if there is none, say what @p rc means. */
void print_problems(const lm_error *err, int rc);

/* After a call that succeeded: print its warnings (diagnostics with code
 * LM_OK) and clear @p err, so that later problems are printed alone. */
void print_warnings(lm_error *err);

/* The library's messages about a value that looks like an undeclared missing
 * value ("NA", ".", "-99") name the setting; say the option: --missing. */
void missing_hints(const lm_error *err);

/* After a failed open: the library's messages about a missing id column or a
 * delimiter it cannot tell name the settings; say the options that set them
 * (--no-id, @p can_have_none, only where ids are not needed to pair rows). */
void setting_hints(const lm_error *err, int id_given, int can_have_none);

#endif
