/*
 * libra_measures — private: the pre/post analysis's entry points for wave
 * sources other than the table reader (prepost-batch.c: in-memory columns).
 * A source calls start, then add or add_rejected once per row of each wave,
 * then finish, which reports duplicates and runs the analysis exactly as
 * for files.
 */
#ifndef LM_PREPOST_PRIV_H
#define LM_PREPOST_PRIV_H

#include "internal.h"

/* Forget any earlier run and begin one whose waves are named so in diagnostics. LM_OK or LM_ENOMEM. */
int lm__prepost_start(lm_prepost *pp, const char *pre_name, const char *post_name);

/*
 * Keep a scored row of wave 0 (pre) or 1 (post): its id (a blank id is
 * counted, not kept), its group text (pre wave, used only when a group column
 * is set), its 1-based row number, and the scorer that holds its results.
 * Returns LM_OK, LM_ENOMEM, or LM_ELIMIT (a wave of more than 2^32 - 2 rows).
 */
int lm__prepost_add(lm_prepost *pp, int wave, const char *id, size_t id_len, const char *group, size_t group_len,
		    unsigned long row, const lm_scorer *sc);

/* 1 when a group column is set (lm_prepost_set_group_column()), else 0. */
int lm__prepost_grouped(const lm_prepost *pp);

/* Count a row of the wave rejected for a bad value. */
void lm__prepost_add_rejected(lm_prepost *pp, int wave);

/* The end of a run: rc_pre / rc_post are LM_OK, LM_EDATA (bad rows) or another failure of reading. */
int lm__prepost_finish(lm_prepost *pp, int rc_pre, int rc_post, lm_error *err);

#endif
