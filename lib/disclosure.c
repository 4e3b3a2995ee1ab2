/*
 * libra_measures — disclosure control: which cells of a published table are
 * hidden so that no group of fewer than min_cell respondents can be worked
 * out by adding and subtracting what is shown (see disclosure-priv.h and
 * doc/PREPOST.md, "The report: what it hides").
 *
 * The check is linear algebra over the nonempty atoms: row-reduce the shown
 * items; the null space says which changes to the atoms a reader cannot
 * see; a union of atoms can be worked out exactly when its indicator is
 * orthogonal to that null space, i.e. when the null-space "signatures" of
 * its atoms sum to zero. A small union is looked for by a bounded search
 * over the atoms that hold fewer than min_cell respondents.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "disclosure-priv.h"
#include "internal.h"

#define EPS 1e-9
/* Subsets tried per search; beyond it the table is treated as leaking (more is hidden). */
#define SEARCH_BUDGET 200000
/* Items tried one by one before taking the cheapest in a sum that gives the union away. */
#define SINGLE_TRIES 32

struct lm__dtable {
	size_t n_atoms, n_items, cap_items;
	unsigned long min_cell;
	unsigned long *atom_n;
	unsigned char *member; /* n_items rows of n_atoms */
	unsigned char *fixed, *state, *forced;
	unsigned long *count;
	unsigned char *keep; /* lm__dtable_keep(): n_keep flags, or NULL */
	size_t n_keep;
};

struct lm__dtable *lm__dtable_new(size_t n_atoms, unsigned long min_cell)
{
	struct lm__dtable *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->n_atoms = n_atoms;
	t->min_cell = min_cell;
	t->atom_n = calloc(n_atoms ? n_atoms : 1, sizeof(*t->atom_n));
	if (!t->atom_n) {
		free(t);
		return NULL;
	}
	return t;
}

void lm__dtable_free(struct lm__dtable *t)
{
	if (!t)
		return;
	free(t->atom_n);
	free(t->member);
	free(t->fixed);
	free(t->keep);
	free(t->state);
	free(t->forced);
	free(t->count);
	free(t);
}

void lm__dtable_add(struct lm__dtable *t, size_t atom, unsigned long n)
{
	if (atom < t->n_atoms)
		t->atom_n[atom] += n;
}

size_t lm__dtable_item(struct lm__dtable *t, const size_t *atoms, size_t n, int fixed)
{
	if (t->n_items == t->cap_items) {
		size_t cap = t->cap_items ? 2 * t->cap_items : 16;
		unsigned char *m = realloc(t->member, cap * (t->n_atoms ? t->n_atoms : 1));
		if (!m)
			return LM_NO_INDEX;
		t->member = m;
		unsigned char *f = realloc(t->fixed, cap), *s;
		if (!f)
			return LM_NO_INDEX;
		t->fixed = f;
		if (!(s = realloc(t->state, cap)))
			return LM_NO_INDEX;
		t->state = s;
		if (!(s = realloc(t->forced, cap)))
			return LM_NO_INDEX;
		t->forced = s;
		unsigned long *c = realloc(t->count, cap * sizeof(*c));
		if (!c)
			return LM_NO_INDEX;
		t->count = c;
		t->cap_items = cap;
	}
	size_t i = t->n_items++;
	unsigned char *row = t->member + i * t->n_atoms;
	memset(row, 0, t->n_atoms);
	for (size_t k = 0; k < n; k++)
		if (atoms[k] < t->n_atoms)
			row[atoms[k]] = 1;
	t->fixed[i] = fixed != 0;
	t->state[i] = LM__CELL_SHOWN;
	t->forced[i] = 0;
	t->count[i] = 0;
	return i;
}

void lm__dtable_hide(struct lm__dtable *t, size_t item)
{
	if (item < t->n_items && !t->fixed[item])
		t->forced[item] = 1;
}

static unsigned long item_count(const struct lm__dtable *t, size_t i)
{
	unsigned long n = 0;
	const unsigned char *row = t->member + i * t->n_atoms;
	for (size_t a = 0; a < t->n_atoms; a++)
		if (row[a])
			n += t->atom_n[a];
	return n;
}

/* ---- row reduction of the shown items -------------------------------------------------- */

struct basis {
	size_t rows, cols, rank;
	size_t *col_atom; /* cols: the nonempty atoms */
	size_t *item;     /* rows: the shown item of each original row */
	size_t *pivot;    /* rank: pivot column of each reduced row */
	double *m;        /* rows x cols, reduced row echelon form */
	double *tr;       /* rows x rows: reduced row r = sum over c of tr[r][c] * item[c] */
};

static void basis_free(struct basis *b)
{
	free(b->col_atom);
	free(b->item);
	free(b->pivot);
	free(b->m);
	free(b->tr);
	memset(b, 0, sizeof(*b));
}

/* The shown items except @p skip, reduced over the nonempty atoms. 0 when out of memory. */
static int basis_build(struct basis *b, const struct lm__dtable *t, size_t skip)
{
	memset(b, 0, sizeof(*b));
	for (size_t a = 0; a < t->n_atoms; a++)
		b->cols += t->atom_n[a] > 0;
	for (size_t i = 0; i < t->n_items; i++)
		b->rows += t->state[i] == LM__CELL_SHOWN && i != skip;
	size_t r1 = b->rows ? b->rows : 1, c1 = b->cols ? b->cols : 1;
	b->col_atom = malloc(c1 * sizeof(size_t));
	b->item = malloc(r1 * sizeof(size_t));
	b->pivot = malloc(r1 * sizeof(size_t));
	b->m = calloc(r1 * c1, sizeof(double));
	b->tr = calloc(r1 * r1, sizeof(double));
	if (!b->col_atom || !b->item || !b->pivot || !b->m || !b->tr) {
		basis_free(b);
		return 0;
	}
	size_t c = 0, r = 0;
	for (size_t a = 0; a < t->n_atoms; a++)
		if (t->atom_n[a] > 0)
			b->col_atom[c++] = a;
	for (size_t i = 0; i < t->n_items; i++) {
		if (t->state[i] != LM__CELL_SHOWN || i == skip)
			continue;
		const unsigned char *row = t->member + i * t->n_atoms;
		for (size_t k = 0; k < b->cols; k++)
			b->m[r * b->cols + k] = row[b->col_atom[k]];
		b->tr[r * b->rows + r] = 1;
		b->item[r++] = i;
	}
	size_t R = b->rows, C = b->cols, rank = 0;
	for (size_t col = 0; col < C && rank < R; col++) {
		size_t best = rank;
		for (size_t i = rank + 1; i < R; i++)
			if (fabs(b->m[i * C + col]) > fabs(b->m[best * C + col]))
				best = i;
		if (fabs(b->m[best * C + col]) < EPS)
			continue;
		if (best != rank) {
			for (size_t k = 0; k < C; k++) {
				double x = b->m[best * C + k];
				b->m[best * C + k] = b->m[rank * C + k];
				b->m[rank * C + k] = x;
			}
			for (size_t k = 0; k < R; k++) {
				double x = b->tr[best * R + k];
				b->tr[best * R + k] = b->tr[rank * R + k];
				b->tr[rank * R + k] = x;
			}
		}
		double p = b->m[rank * C + col];
		for (size_t k = 0; k < C; k++)
			b->m[rank * C + k] /= p;
		for (size_t k = 0; k < R; k++)
			b->tr[rank * R + k] /= p;
		for (size_t i = 0; i < R; i++) {
			double f = b->m[i * C + col];
			if (i == rank || fabs(f) < EPS)
				continue;
			for (size_t k = 0; k < C; k++)
				b->m[i * C + k] -= f * b->m[rank * C + k];
			for (size_t k = 0; k < R; k++)
				b->tr[i * R + k] -= f * b->tr[rank * R + k];
			b->m[i * C + col] = 0;
		}
		b->pivot[rank++] = col;
	}
	b->rank = rank;
	return 1;
}

/*
 * Whether the union of @p atoms (a 0/1 vector over the basis columns in
 * @p v, overwritten) is in the span of the shown items; with @p lambda, the
 * coefficient of each original row in one way of writing it.
 */
static int in_span(const struct basis *b, double *v, double *lambda)
{
	size_t C = b->cols, R = b->rows;
	if (lambda)
		memset(lambda, 0, (R ? R : 1) * sizeof(double));
	for (size_t r = 0; r < b->rank; r++) {
		double f = v[b->pivot[r]];
		if (fabs(f) < EPS)
			continue;
		for (size_t k = 0; k < C; k++)
			v[k] -= f * b->m[r * C + k];
		if (lambda)
			for (size_t k = 0; k < R; k++)
				lambda[k] += f * b->tr[r * R + k];
	}
	for (size_t k = 0; k < C; k++)
		if (fabs(v[k]) > 1e-7)
			return 0;
	return 1;
}

/* The union's indicator over the basis columns. */
static void indicator(const struct basis *b, const unsigned char *in_u, double *v)
{
	for (size_t k = 0; k < b->cols; k++)
		v[k] = in_u[b->col_atom[k]] ? 1 : 0;
}

/* ---- looking for a small union that can be worked out ---------------------------------- */

struct search {
	const struct lm__dtable *t;
	const struct basis *b;
	size_t k;       /* null-space dimension (free columns) */
	double *sig;    /* cols x k */
	size_t *cand;   /* columns of one component, by count */
	size_t n_cand;
	double *sum;    /* k */
	unsigned char *pick;
	long budget;
};

static int sum_zero(const struct search *s)
{
	for (size_t f = 0; f < s->k; f++)
		if (fabs(s->sum[f]) > 1e-7)
			return 0;
	return 1;
}

/* Depth-first over subsets of the component with fewer than min_cell respondents. 1 found, 0 not, -1 budget. */
static int dfs(struct search *s, size_t from, unsigned long n)
{
	for (size_t i = from; i < s->n_cand; i++) {
		size_t col = s->cand[i];
		unsigned long an = s->t->atom_n[s->b->col_atom[col]];
		if (n + an >= s->t->min_cell)
			break; /* sorted by count: the rest are no smaller */
		if (--s->budget < 0)
			return -1;
		const double *sg = s->sig + col * s->k;
		for (size_t f = 0; f < s->k; f++)
			s->sum[f] += sg[f];
		s->pick[i] = 1;
		if (sum_zero(s))
			return 1;
		int r = dfs(s, i + 1, n + an);
		if (r)
			return r;
		s->pick[i] = 0;
		for (size_t f = 0; f < s->k; f++)
			s->sum[f] -= sg[f];
	}
	return 0;
}

static size_t uf_find(size_t *p, size_t x)
{
	while (p[x] != x)
		x = p[x] = p[p[x]];
	return x;
}

/*
 * Look for a union of atoms with 1 to min_cell - 1 respondents in the span
 * of the shown items. Returns 1 and marks it in @p in_u (over atoms), 0 when
 * there is none, -1 when the budget ran out (in_u: the atoms of the
 * component searched), -2 when out of memory.
 */
static int find_leak(const struct lm__dtable *t, const struct basis *b, unsigned char *in_u)
{
	size_t C = b->cols ? b->cols : 1, k = b->cols - b->rank;
	memset(in_u, 0, t->n_atoms ? t->n_atoms : 1);
	struct search s = {t, b, k, NULL, NULL, 0, NULL, NULL, SEARCH_BUDGET};
	size_t *freecol = malloc(C * sizeof(size_t)), *parent = malloc(C * sizeof(size_t));
	unsigned char *is_pivot = calloc(C, 1);
	s.sig = calloc(C * (k ? k : 1), sizeof(double));
	s.cand = malloc(C * sizeof(size_t));
	s.sum = calloc(k ? k : 1, sizeof(double));
	s.pick = calloc(C, 1);
	int rc = -2;
	if (!freecol || !parent || !is_pivot || !s.sig || !s.cand || !s.sum || !s.pick)
		goto out;
	for (size_t r = 0; r < b->rank; r++)
		is_pivot[b->pivot[r]] = 1;
	size_t nf = 0;
	for (size_t c = 0; c < b->cols; c++)
		if (!is_pivot[c])
			freecol[nf++] = c;
	/* Signatures: free column f has the unit vector; pivot column of row r has -m[r][f]. */
	for (size_t f = 0; f < k; f++)
		s.sig[freecol[f] * k + f] = 1;
	for (size_t r = 0; r < b->rank; r++)
		for (size_t f = 0; f < k; f++)
			s.sig[b->pivot[r] * k + f] = -b->m[r * b->cols + freecol[f]];

	/* A small atom on its own. */
	rc = 0;
	for (size_t c = 0; c < b->cols; c++) {
		unsigned long an = t->atom_n[b->col_atom[c]];
		int zero = 1;
		for (size_t f = 0; f < k && zero; f++)
			zero = fabs(s.sig[c * k + f]) < 1e-7;
		if (zero && an < t->min_cell) {
			in_u[b->col_atom[c]] = 1;
			rc = 1;
			goto out;
		}
	}
	/*
	 * Components: small atoms that share a null-space coordinate. A union
	 * that can be worked out splits into parts, one per component, each of
	 * which can be worked out, so the smallest lies in one component.
	 */
	for (size_t c = 0; c < b->cols; c++)
		parent[c] = c;
	for (size_t f = 0; f < k; f++) {
		size_t first = LM_NO_INDEX;
		for (size_t c = 0; c < b->cols; c++) {
			if (t->atom_n[b->col_atom[c]] >= t->min_cell || fabs(s.sig[c * k + f]) < 1e-7)
				continue;
			if (first == LM_NO_INDEX)
				first = c;
			else
				parent[uf_find(parent, c)] = uf_find(parent, first);
		}
	}
	for (size_t root = 0; root < b->cols; root++) {
		if (uf_find(parent, root) != root || t->atom_n[b->col_atom[root]] >= t->min_cell)
			continue;
		s.n_cand = 0;
		for (size_t c = 0; c < b->cols; c++)
			if (t->atom_n[b->col_atom[c]] < t->min_cell && uf_find(parent, c) == root)
				s.cand[s.n_cand++] = c;
		/* Insertion sort by count (components are small). */
		for (size_t i = 1; i < s.n_cand; i++)
			for (size_t j = i; j > 0 && t->atom_n[b->col_atom[s.cand[j]]] < t->atom_n[b->col_atom[s.cand[j - 1]]]; j--) {
				size_t x = s.cand[j];
				s.cand[j] = s.cand[j - 1];
				s.cand[j - 1] = x;
			}
		memset(s.sum, 0, (k ? k : 1) * sizeof(double));
		memset(s.pick, 0, C);
		int r = dfs(&s, 0, 0);
		if (r == 0)
			continue;
		for (size_t i = 0; i < s.n_cand; i++)
			if (r < 0 || s.pick[i])
				in_u[b->col_atom[s.cand[i]]] = 1;
		rc = r;
		goto out;
	}
out:
	free(freecol);
	free(parent);
	free(is_pivot);
	free(s.sig);
	free(s.cand);
	free(s.sum);
	free(s.pick);
	return rc;
}

int lm__dtable_leaks(const struct lm__dtable *t)
{
	struct basis b;
	unsigned char *in_u = malloc(t->n_atoms ? t->n_atoms : 1);
	if (!in_u || !basis_build(&b, t, LM_NO_INDEX)) {
		free(in_u);
		return -1;
	}
	int r = find_leak(t, &b, in_u);
	basis_free(&b);
	free(in_u);
	return r == 1 ? 1 : r == 0 ? 0 : -1;
}

/* ---- protection ------------------------------------------------------------------------- */

void lm__dtable_keep(struct lm__dtable *t, size_t item)
{
	if (item >= t->n_items)
		return;
	if (!t->keep) {
		/* Only a preference: out of memory, the table is protected without it. */
		t->keep = calloc(t->n_items, 1);
		t->n_keep = t->keep ? t->n_items : 0;
	}
	if (item < t->n_keep)
		t->keep[item] = 1;
}

static int kept(const struct lm__dtable *t, size_t i)
{
	return i < t->n_keep && t->keep[i];
}

/* Whether item a goes after item b among the candidates: kept items last, then by count. */
static int after(const struct lm__dtable *t, size_t a, size_t b)
{
	if (kept(t, a) != kept(t, b))
		return kept(t, a);
	return t->count[a] > t->count[b];
}

/* Shown, not fixed, resting on someone: the items that may still be hidden, cheapest first (kept ones last). */
static size_t candidates(const struct lm__dtable *t, size_t *out)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n_items; i++) {
		if (t->state[i] != LM__CELL_SHOWN || t->fixed[i] || t->count[i] == 0)
			continue;
		size_t j = n++;
		for (; j > 0 && after(t, out[j - 1], i); j--)
			out[j] = out[j - 1];
		out[j] = i;
	}
	return n;
}

static int overlaps(const struct lm__dtable *t, size_t item, const unsigned char *in_u)
{
	const unsigned char *row = t->member + item * t->n_atoms;
	for (size_t a = 0; a < t->n_atoms; a++)
		if (row[a] && in_u[a])
			return 1;
	return 0;
}

/* The item to hide next so that the union in @p in_u (found: 1, or a component: -1) stops leaking. */
static int choose(const struct lm__dtable *t, const unsigned char *in_u, int found, size_t *cand, size_t nc,
		  size_t *pick)
{
	*pick = LM_NO_INDEX;
	if (found == 1) {
		/* The cheapest single item whose hiding breaks every way of working it out (of the cheapest few). */
		for (size_t i = 0; i < nc && i < SINGLE_TRIES && *pick == LM_NO_INDEX; i++) {
			struct basis b;
			if (!basis_build(&b, t, cand[i]))
				return 0;
			double *v = malloc((b.cols ? b.cols : 1) * sizeof(double));
			if (!v) {
				basis_free(&b);
				return 0;
			}
			indicator(&b, in_u, v);
			if (!in_span(&b, v, NULL))
				*pick = cand[i];
			free(v);
			basis_free(&b);
		}
		if (*pick != LM_NO_INDEX)
			return 1;
		/* None alone: the cheapest item in one sum that gives it away; the loop then finds the next. */
		struct basis b;
		if (!basis_build(&b, t, LM_NO_INDEX))
			return 0;
		double *v = malloc((b.cols ? b.cols : 1) * sizeof(double));
		double *lambda = malloc((b.rows ? b.rows : 1) * sizeof(double));
		if (!v || !lambda) {
			free(v);
			free(lambda);
			basis_free(&b);
			return 0;
		}
		indicator(&b, in_u, v);
		if (in_span(&b, v, lambda))
			for (size_t i = 0; i < nc && *pick == LM_NO_INDEX; i++)
				for (size_t r = 0; r < b.rows; r++)
					if (b.item[r] == cand[i] && fabs(lambda[r]) > 1e-7)
						*pick = cand[i];
		free(v);
		free(lambda);
		basis_free(&b);
		if (*pick != LM_NO_INDEX)
			return 1;
	}
	for (size_t i = 0; i < nc && *pick == LM_NO_INDEX; i++)
		if (overlaps(t, cand[i], in_u))
			*pick = cand[i];
	if (*pick == LM_NO_INDEX && nc)
		*pick = cand[0];
	return 1;
}

int lm__dtable_protect(struct lm__dtable *t)
{
	for (size_t i = 0; i < t->n_items; i++) {
		t->count[i] = item_count(t, i);
		t->state[i] = t->fixed[i]				      ? LM__CELL_SHOWN
			      : t->count[i] > 0 && t->count[i] < t->min_cell ? LM__CELL_SMALL
			      : t->forced[i]				      ? LM__CELL_COMPLEMENT
									      : LM__CELL_SHOWN;
	}
	size_t *cand = malloc((t->n_items ? t->n_items : 1) * sizeof(size_t));
	unsigned char *in_u = malloc(t->n_atoms ? t->n_atoms : 1);
	int rc = LM_ENOMEM;
	if (!cand || !in_u)
		goto out;
	for (;;) {
		struct basis b;
		if (!basis_build(&b, t, LM_NO_INDEX))
			goto out;
		int found = find_leak(t, &b, in_u);
		basis_free(&b);
		if (found == -2)
			goto out;
		if (found == 0)
			break;
		size_t nc = candidates(t, cand), pick;
		if (!choose(t, in_u, found, cand, nc, &pick))
			goto out;
		if (pick == LM_NO_INDEX) {
			/* Only fixed items are left and they give something away: the caller's table is wrong. */
			for (size_t i = 0; i < t->n_items; i++)
				if (!t->fixed[i] && t->state[i] == LM__CELL_SHOWN)
					t->state[i] = LM__CELL_COMPLEMENT;
			rc = LM_EINVAL;
			goto out;
		}
		t->state[pick] = LM__CELL_COMPLEMENT;
	}
	rc = LM_OK;
out:
	free(cand);
	free(in_u);
	return rc;
}

int lm__dtable_state(const struct lm__dtable *t, size_t item)
{
	return item < t->n_items ? t->state[item] : LM__CELL_COMPLEMENT;
}

unsigned long lm__dtable_count(const struct lm__dtable *t, size_t item)
{
	return item < t->n_items ? item_count(t, item) : 0;
}
