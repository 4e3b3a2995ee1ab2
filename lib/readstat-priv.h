/*
 * libra_measures — SPSS and Stata files for the table reader: readstat.c
 * turns one into CSV text that table.c then reads like any other table.
 * Built only with ReadStat (LM_HAVE_READSTAT). Nothing here is API.
 */
#ifndef LM_READSTAT_PRIV_H
#define LM_READSTAT_PRIV_H

#include <stddef.h>

#include "libra_measures/error.h"

/* The statistics-package formats, told by the file name's extension. */
enum lm_stats_format {
	LM_STATS_NONE = 0,
	LM_STATS_SAV, /* SPSS system file, .sav or compressed .zsav */
	LM_STATS_POR, /* SPSS portable file */
	LM_STATS_DTA  /* Stata */
};

/*
 * Read the whole of @p path (a file of @p format) into CSV text: a header of
 * the variable names, then one line per case, ',' as delimiter, RFC 4180
 * quoting. Numbers are written as lm_format_number() writes them; system
 * missing, Stata's extended missing (.a to .z) and SPSS user-defined missing
 * values are blank, except a user-defined missing value that is one of
 * @p keep (the instrument's missing codes), which stays that number. With
 * @p labels, a value that has a value label is written as the label's text.
 * Diagnostics name @p path.
 * @param[out] out the text, NUL-terminated (the caller frees it); @p len its length.
 * @return LM_OK, LM_EIO, LM_EDATA or LM_ENOMEM.
 */
int lm__readstat_to_csv(const char *path, int format, int labels, const double *keep, size_t n_keep, char **out,
			size_t *len, lm_error *err);

#endif
