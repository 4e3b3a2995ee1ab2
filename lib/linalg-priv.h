/*
 * libra_measures — small dense linear algebra for the trial statistics
 * (trial-stats.c): a design has 2 + arms columns and a cluster a few dozen
 * rows, so plain O(k^3) algorithms, written for accuracy, not speed.
 *
 * Layout: a matrix with r rows and c columns is r*c doubles, row-major
 * (element (i, j) at [i * c + j]), except the design of lm__qr, which is
 * column-major so that a column is contiguous. The caller owns every buffer;
 * nothing here allocates except where said.
 */
#ifndef LM_LINALG_PRIV_H
#define LM_LINALG_PRIV_H

#include <stddef.h>

/* Householder QR of the n x p design x (column-major, x[j * n + i]), n >= p,
 * in place: on return the upper triangle of the first p rows holds R, below
 * it the reflectors, tau[p] their scales. No pivoting: a column whose
 * remaining part is at most tol times its original norm (or zero) makes the
 * design rank-deficient, and the function returns -1 (the contents are then
 * unspecified). 0 when of full rank. */
int lm__qr(size_t n, size_t p, double *x, double *tau, double tol);
/* Q'y in place, for a y of n values, with the output of lm__qr. */
void lm__qr_qty(size_t n, size_t p, const double *qr, const double *tau, double *y);
/* Solves R b = z (z: the first p values of Q'y) into b. */
void lm__qr_solve_r(size_t n, size_t p, const double *qr, const double *z, double *b);
/* R^-1 (p x p, upper triangular, zeros below) into ri, from lm__qr's output:
 * (X'X)^-1 = R^-1 R^-T, so R^-1 is a factor F of it with F F' = (X'X)^-1. */
void lm__qr_r_inverse(size_t n, size_t p, const double *qr, double *ri);
/* (X'X)^-1 = R^-1 R^-T into m (p x p), from the output of lm__qr. */
void lm__qr_xtx_inverse(size_t n, size_t p, const double *qr, double *m);

/* Cholesky factor L (lower, row-major, k x k) of the symmetric positive
 * definite a, into l. -1 when a pivot is not above tol times the largest
 * diagonal entry of a (not positive definite to working precision). */
int lm__cholesky(size_t k, const double *a, double *l, double tol);
/* Inverse of the symmetric positive definite a (k x k) into inv, through
 * Cholesky; work holds k * k doubles. -1 as lm__cholesky. */
int lm__spd_inverse(size_t k, const double *a, double *inv, double *work, double tol);

/* Eigen decomposition of the symmetric a (k x k) by cyclic Jacobi rotations:
 * values[k] (ascending) and vectors (row-major, eigenvector i in column i),
 * a = V diag(values) V'. a is overwritten. 0, or -1 when the sweeps did not
 * converge (not expected: Jacobi converges quadratically). */
int lm__sym_eigen(size_t k, double *a, double *values, double *vectors);
/* The symmetric inverse square root of the symmetric positive semidefinite
 * a (k x k): V diag(d) V' with d = 1/sqrt(lambda) for an eigenvalue lambda >
 * zero_tol and 0 otherwise (a generalised inverse, as clubSandwich's
 * matrix_power() with its tolerance 1e-12). Allocates its own work space;
 * -1 when out of memory or the eigen decomposition fails. */
int lm__sym_inv_sqrt(size_t k, const double *a, double *out, double zero_tol);

#endif
