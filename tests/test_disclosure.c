/*
 * Tests of the disclosure control behind the report (lib/disclosure.c):
 * primary and complementary suppression on lines, hierarchies and two-way
 * tables, checked by an independent exhaustive attacker that tries every
 * union of atoms with fewer than min_cell respondents against every sum and
 * difference of the shown items.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "disclosure-priv.h"
#include "libra_measures/common.h"

#define MAXA 64
#define MAXI 64

/* The attacker's copy of a table: what the atoms hold, what each item covers. */
struct model {
	size_t na, ni;
	unsigned long atom[MAXA];
	unsigned char cover[MAXI][MAXA];
	int fixed[MAXI];
	size_t id[MAXI]; /* index in the lm__dtable */
};

static size_t add_item(struct lm__dtable *t, struct model *m, const size_t *atoms, size_t n, int fixed)
{
	size_t i = m->ni++;
	memset(m->cover[i], 0, sizeof(m->cover[i]));
	for (size_t k = 0; k < n; k++)
		m->cover[i][atoms[k]] = 1;
	m->fixed[i] = fixed;
	m->id[i] = lm__dtable_item(t, atoms, n, fixed);
	assert_int_not_equal(m->id[i], (size_t)-1);
	return i;
}

/* Rank of rows (each MAXA doubles) by plain Gaussian elimination. */
static size_t rank_of(double (*rows)[MAXA], size_t n, size_t cols)
{
	size_t r = 0;
	for (size_t c = 0; c < cols && r < n; c++) {
		size_t p = r;
		for (size_t i = r; i < n; i++)
			if (fabs(rows[i][c]) > fabs(rows[p][c]))
				p = i;
		if (fabs(rows[p][c]) < 1e-9)
			continue;
		for (size_t k = 0; k < cols; k++) {
			double x = rows[p][k];
			rows[p][k] = rows[r][k];
			rows[r][k] = x;
		}
		for (size_t i = 0; i < n; i++) {
			if (i == r)
				continue;
			double f = rows[i][c] / rows[r][c];
			for (size_t k = 0; k < cols; k++)
				rows[i][k] -= f * rows[r][k];
		}
		r++;
	}
	return r;
}

/*
 * The attacker: every union of atoms with 1 to min_cell - 1 respondents,
 * tried against the span of the shown items and of the empty atoms (a zero
 * is public). Returns how many such unions can be worked out.
 */
static unsigned long attack(const struct lm__dtable *t, const struct model *m, unsigned long min_cell)
{
	static double rows[MAXI + MAXA + 1][MAXA];
	size_t pos[MAXA], np = 0;
	for (size_t a = 0; a < m->na; a++)
		if (m->atom[a] > 0)
			pos[np++] = a;
	assert_true(np <= 20);
	size_t n = 0;
	for (size_t i = 0; i < m->ni; i++) {
		if (lm__dtable_state(t, m->id[i]) != LM__CELL_SHOWN)
			continue;
		for (size_t k = 0; k < np; k++)
			rows[n][k] = m->cover[i][pos[k]];
		n++;
	}
	double tmp[MAXI + MAXA + 1][MAXA];
	memcpy(tmp, rows, sizeof(double) * MAXA * n);
	size_t base = rank_of(tmp, n, np);
	unsigned long leaks = 0;
	for (uint32_t u = 1; u < (1u << np); u++) {
		unsigned long cnt = 0;
		for (size_t k = 0; k < np; k++)
			if (u >> k & 1)
				cnt += m->atom[pos[k]];
		if (cnt >= min_cell)
			continue;
		memcpy(tmp, rows, sizeof(double) * MAXA * n);
		for (size_t k = 0; k < np; k++)
			tmp[n][k] = u >> k & 1;
		if (rank_of(tmp, n + 1, np) == base)
			leaks++;
	}
	return leaks;
}

/* Every item on 1 to min_cell - 1 respondents is hidden as small, and nothing shown is small. */
static void check_states(const struct lm__dtable *t, const struct model *m, unsigned long min_cell)
{
	for (size_t i = 0; i < m->ni; i++) {
		unsigned long n = 0;
		for (size_t a = 0; a < m->na; a++)
			n += m->cover[i][a] ? m->atom[a] : 0;
		assert_int_equal(lm__dtable_count(t, m->id[i]), n);
		int st = lm__dtable_state(t, m->id[i]);
		if (m->fixed[i])
			assert_int_equal(st, LM__CELL_SHOWN);
		else if (n > 0 && n < min_cell)
			assert_int_equal(st, LM__CELL_SMALL);
		else
			assert_int_not_equal(st, LM__CELL_SMALL);
	}
}

/* Groups of 30, 8, 1 and 1 under a shown total: the two ones are small, and the 8 must go with them. */
static void test_line_30_8_1_1(void **state)
{
	(void)state;
	struct model m = {.na = 4, .atom = {30, 8, 1, 1}};
	struct lm__dtable *t = lm__dtable_new(4, 5);
	assert_non_null(t);
	for (size_t a = 0; a < 4; a++)
		lm__dtable_add(t, a, m.atom[a]);
	size_t all[] = {0, 1, 2, 3};
	add_item(t, &m, all, 4, 1);
	for (size_t a = 0; a < 4; a++)
		add_item(t, &m, &a, 1, 0);
	/* As published before: the two ones hidden alone, total minus the others gives their sum. */
	assert_int_equal(lm__dtable_leaks(t), 1);
	assert_int_equal(lm__dtable_protect(t), LM_OK);
	check_states(t, &m, 5);
	assert_int_equal(lm__dtable_state(t, m.id[1]), LM__CELL_SHOWN);
	assert_int_equal(lm__dtable_state(t, m.id[2]), LM__CELL_COMPLEMENT);
	assert_int_equal(lm__dtable_state(t, m.id[3]), LM__CELL_SMALL);
	assert_int_equal(lm__dtable_state(t, m.id[4]), LM__CELL_SMALL);
	assert_int_equal(lm__dtable_leaks(t), 0);
	assert_int_equal(attack(t, &m, 5), 0);
	lm__dtable_free(t);
}

/* An atom no item shows (pairs without a group): the total gives it away unless a group goes too. */
static void test_line_hidden_remainder(void **state)
{
	(void)state;
	struct model m = {.na = 3, .atom = {20, 10, 1}};
	struct lm__dtable *t = lm__dtable_new(3, 5);
	for (size_t a = 0; a < 3; a++)
		lm__dtable_add(t, a, m.atom[a]);
	size_t all[] = {0, 1, 2};
	add_item(t, &m, all, 3, 1);
	for (size_t a = 0; a < 2; a++)
		add_item(t, &m, &a, 1, 0);
	assert_int_equal(lm__dtable_protect(t), LM_OK);
	check_states(t, &m, 5);
	assert_int_equal(lm__dtable_state(t, m.id[1]), LM__CELL_SHOWN);
	assert_int_equal(lm__dtable_state(t, m.id[2]), LM__CELL_COMPLEMENT);
	assert_int_equal(attack(t, &m, 5), 0);
	lm__dtable_free(t);
}

/* Zeros are shown; a table with nothing small keeps everything. */
static void test_nothing_small(void **state)
{
	(void)state;
	struct model m = {.na = 3, .atom = {7, 0, 9}};
	struct lm__dtable *t = lm__dtable_new(3, 5);
	for (size_t a = 0; a < 3; a++)
		lm__dtable_add(t, a, m.atom[a]);
	size_t all[] = {0, 1, 2};
	add_item(t, &m, all, 3, 1);
	for (size_t a = 0; a < 3; a++)
		add_item(t, &m, &a, 1, 0);
	assert_int_equal(lm__dtable_protect(t), LM_OK);
	for (size_t i = 0; i < m.ni; i++)
		assert_int_equal(lm__dtable_state(t, m.id[i]), LM__CELL_SHOWN);
	lm__dtable_free(t);
}

/*
 * A two-way table with both margins and the total (a band transition
 * table): atoms are the cells; items the cells, the row and column sums
 * and the total. Optionally each cell is split in two (a second
 * classification, like the change categories), with the two category sums
 * as items too.
 */
static void two_way(struct lm__dtable **tp, struct model *m, size_t r, size_t c, const unsigned long *cells, int split,
		    unsigned long min_cell)
{
	memset(m, 0, sizeof(*m));
	size_t per = split ? 2 : 1;
	m->na = r * c * per;
	assert_true(m->na <= MAXA);
	struct lm__dtable *t = lm__dtable_new(m->na, min_cell);
	assert_non_null(t);
	for (size_t i = 0; i < r * c; i++)
		for (size_t s = 0; s < per; s++) {
			unsigned long n = split ? (s ? cells[i] / 2 : cells[i] - cells[i] / 2) : cells[i];
			m->atom[i * per + s] = n;
			lm__dtable_add(t, i * per + s, n);
		}
	size_t list[MAXA], n;
	n = 0;
	for (size_t a = 0; a < m->na; a++)
		list[n++] = a;
	add_item(t, m, list, n, 1);
	for (size_t i = 0; i < r; i++)
		for (size_t j = 0; j < c; j++) {
			n = 0;
			for (size_t s = 0; s < per; s++)
				list[n++] = (i * c + j) * per + s;
			add_item(t, m, list, n, 0);
		}
	for (size_t i = 0; i < r; i++) {
		n = 0;
		for (size_t j = 0; j < c; j++)
			for (size_t s = 0; s < per; s++)
				list[n++] = (i * c + j) * per + s;
		add_item(t, m, list, n, 0);
	}
	for (size_t j = 0; j < c; j++) {
		n = 0;
		for (size_t i = 0; i < r; i++)
			for (size_t s = 0; s < per; s++)
				list[n++] = (i * c + j) * per + s;
		add_item(t, m, list, n, 0);
	}
	if (split)
		for (size_t s = 0; s < 2; s++) {
			n = 0;
			for (size_t i = 0; i < r * c; i++)
				list[n++] = i * 2 + s;
			add_item(t, m, list, n, 0);
		}
	*tp = t;
}

static void test_two_way_one_small_cell(void **state)
{
	(void)state;
	/* One cell of 2 in a 3 x 3 table: a row or a column would give it back. */
	unsigned long cells[9] = {9, 2, 7, 6, 8, 5, 7, 9, 6};
	struct lm__dtable *t;
	struct model m;
	two_way(&t, &m, 3, 3, cells, 0, 5);
	assert_int_equal(attack(t, &m, 5), 1); /* before: the cell itself */
	assert_int_equal(lm__dtable_protect(t), LM_OK);
	check_states(t, &m, 5);
	assert_int_equal(lm__dtable_state(t, m.id[2]), LM__CELL_SMALL);
	/* Its row and its column each lose a second cell at least. */
	int row = 0, col = 0;
	for (size_t j = 0; j < 3; j++)
		row += lm__dtable_state(t, m.id[1 + j]) != LM__CELL_SHOWN;
	for (size_t i = 0; i < 3; i++)
		col += lm__dtable_state(t, m.id[1 + i * 3 + 1]) != LM__CELL_SHOWN;
	assert_true(row >= 2 && col >= 2);
	assert_int_equal(lm__dtable_leaks(t), 0);
	assert_int_equal(attack(t, &m, 5), 0);
	lm__dtable_free(t);
}

/* Random tables, plain and split by a second classification: never a leak the attacker finds. */
static void test_random_tables(void **state)
{
	(void)state;
	uint32_t seed = 12345;
	for (int round = 0; round < 300; round++) {
		size_t r = 2 + round % 3, c = 2 + (round / 3) % 3;
		int split = round % 2;
		if (split && r * c > 9)
			r = c = 3;
		unsigned long cells[16], min_cell = 2 + round % 5;
		for (size_t i = 0; i < r * c; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned v = (seed >> 16) % 12;
			cells[i] = v < 4 ? 0 : v - 3; /* a third empty, the rest 1 to 8 */
		}
		struct lm__dtable *t;
		struct model m;
		two_way(&t, &m, r, c, cells, split, min_cell);
		unsigned long total = 0;
		for (size_t a = 0; a < m.na; a++)
			total += m.atom[a];
		int rc = lm__dtable_protect(t);
		if (total > 0 && total < min_cell) {
			/* The shown total itself is small: nothing else can save it. */
			assert_int_equal(rc, LM_EINVAL);
		} else {
			assert_int_equal(rc, LM_OK);
			check_states(t, &m, min_cell);
			if (attack(t, &m, min_cell) != 0)
				fail_msg("round %d: a union smaller than %lu can be worked out", round, min_cell);
			assert_int_equal(lm__dtable_leaks(t), 0);
		}
		lm__dtable_free(t);
	}
}

static void test_alloc_and_bounds(void **state)
{
	(void)state;
	struct lm__dtable *t = lm__dtable_new(0, 5);
	assert_non_null(t);
	assert_int_equal(lm__dtable_protect(t), LM_OK);
	assert_int_equal(lm__dtable_state(t, 3), LM__CELL_COMPLEMENT); /* out of range: never "shown" */
	assert_int_equal(lm__dtable_count(t, 3), 0);
	lm__dtable_free(t);
	lm__dtable_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_30_8_1_1),
		cmocka_unit_test(test_line_hidden_remainder),
		cmocka_unit_test(test_nothing_small),
		cmocka_unit_test(test_two_way_one_small_cell),
		cmocka_unit_test(test_random_tables),
		cmocka_unit_test(test_alloc_and_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
