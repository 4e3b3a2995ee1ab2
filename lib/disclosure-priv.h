/*
 * libra_measures — disclosure control for published tables (private).
 *
 * A table is a set of disjoint *atoms* (sets of respondents, each with its
 * count) and *items*: the numbers a report would publish, each resting on a
 * union of atoms (a band count is the union of its transition cells, a
 * group's means rest on its pairs, ...). Every statistic the report prints
 * is additive over respondents (counts, sums, sums of squares), so what a
 * reader can work out by adding and subtracting published items is exactly
 * the unions of atoms whose indicator vector lies in the span of the shown
 * items. lm__dtable_protect() hides items until no such union holds between
 * 1 and min_cell - 1 respondents:
 *
 *  - primary: an item resting on 1 to min_cell - 1 respondents is hidden;
 *  - complementary: while some small union can still be worked out, another
 *    item is hidden (the cheapest that breaks it, else the cheapest item in
 *    the sum that gives it away).
 *
 * The reader is assumed to know which atoms are empty (a zero is published
 * or follows from the definition), so empty atoms protect nothing.
 * Fixed items (the overall total) are always shown; they must not by
 * themselves give a small union away.
 */
#ifndef LM_DISCLOSURE_PRIV_H
#define LM_DISCLOSURE_PRIV_H

#include <stddef.h>

/* Why an item is shown or hidden. */
enum lm__cell {
	LM__CELL_SHOWN = 0,
	LM__CELL_SMALL = 1,     /* rests on 1 to min_cell - 1 respondents */
	LM__CELL_COMPLEMENT = 2 /* hidden so that a smaller cell cannot be worked out */
};

struct lm__dtable;

/* A table of @p n_atoms atoms, all empty; NULL when out of memory. */
struct lm__dtable *lm__dtable_new(size_t n_atoms, unsigned long min_cell);
void lm__dtable_free(struct lm__dtable *t);

/* Add @p n respondents to an atom. */
void lm__dtable_add(struct lm__dtable *t, size_t atom, unsigned long n);

/*
 * An item resting on the atoms listed (duplicates ignored); fixed: always
 * shown. Returns its index, or (size_t)-1 when out of memory.
 */
size_t lm__dtable_item(struct lm__dtable *t, const size_t *atoms, size_t n, int fixed);

/* Hide an item whatever its count (before lm__dtable_protect(); it then reads as complementary). */
void lm__dtable_hide(struct lm__dtable *t, size_t item);

/*
 * Prefer to keep @p item shown: complementary suppression hides it only when
 * no other item will do (e.g. a trial's reference arm, whose hiding would
 * hide every comparison). Call after the last item is added.
 */
void lm__dtable_keep(struct lm__dtable *t, size_t item);

/*
 * Decide every item's state. LM_OK; LM_ENOMEM; LM_EINVAL when the fixed
 * items alone give a small union away (every other item is then hidden).
 */
int lm__dtable_protect(struct lm__dtable *t);

/* An lm__cell, after lm__dtable_protect(). */
int lm__dtable_state(const struct lm__dtable *t, size_t item);

/* The respondents an item rests on. */
unsigned long lm__dtable_count(const struct lm__dtable *t, size_t item);

/*
 * Whether some union of atoms with 1 to min_cell - 1 respondents can be
 * worked out from the shown items (1), cannot (0), or the search ran out of
 * its budget (-1). For tests and for the report's own final check.
 */
int lm__dtable_leaks(const struct lm__dtable *t);

#endif
