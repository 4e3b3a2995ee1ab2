/*
 * libra_measures — private: the registry of named temporary files
 * (temporaries.c), for output.c.
 */
#ifndef LM_TEMPORARIES_PRIV_H
#define LM_TEMPORARIES_PRIV_H

/*
 * Temporaries with a name (where O_TMPFILE is not available, and the moment
 * between link and rename at publish) are kept in a registry that
 * lm_outputs_remove_temporaries() empties from a signal handler. Register
 * hands @p path (malloc'd) to the registry and returns its slot, or -1 when
 * the registry is full (the caller keeps @p path; the file is then not removed
 * on a signal). Unregister frees it. Neither allocates.
 */
int lm__temp_register(char *path);
void lm__temp_unregister(int slot);

#endif
