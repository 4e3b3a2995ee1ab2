/*
 * libra — the reading options of a table, shared by score, prepost and report.
 */
#ifndef LIBRA_READER_H
#define LIBRA_READER_H

#include <libra_measures/libra_measures.h>

#include "args.h"

/* How to read a table, as given on the command line; delimiter once checked. */
struct reader {
	const char *prefix, *map, *map_file, *missing, *value_labels, *delimiter_arg, *sheet;
	char delimiter;
};

/* How many options reader_options() gives. */
enum { READER_NOPTS = 7 };

/* Put the reading options, pointing into @p r, in @p opts (room for READER_NOPTS); their count. */
size_t reader_options(struct reader *r, struct option_spec *opts);

/* Check --delimiter and set r->delimiter; EXIT_OK, or EXIT_USAGE after saying why. */
int reader_check(struct reader *r);

/*
 * Apply --delimiter, --prefix, --map, --map-file, --missing, --value-labels, --sheet to
 * an unopened table. A malformed option is said here and gives LM_EINVAL with
 * no diagnostic in err: the caller then shows the usage.
 */
int configure_table(lm_table *table, const struct reader *r, lm_error *err);

#endif
