/*
 * libra_measures — the registry of named temporary files (output.c creates
 * them) that lm_outputs_remove_temporaries() (outputs.h) removes from a
 * signal handler. Apart from outputs.c so that output.c, which registers,
 * and outputs.c, which publishes through output.c, do not import each other.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "libra_measures/outputs.h"
#include "temporaries-priv.h"

/*
 * Process-wide by nature: a signal handler has no other way to find them.
 * Slots are claimed and released with atomic operations (lock-free for
 * pointers, so usable in a handler). The handler takes a path out of its
 * slot, leaving a mark so that the slot is not reused, unlinks it, and only
 * then parks it in taken[]; the owner's unregister frees it from there. So
 * nothing the handler reads is freed under it, and nothing leaks when the
 * process goes on (a handler that does not end it, or a test).
 */
#define LM_TEMP_SLOTS 64
static _Atomic(char *) temp_slot[LM_TEMP_SLOTS];
static _Atomic(char *) taken[LM_TEMP_SLOTS];
static char taken_mark;
#define TAKEN (&taken_mark)

int lm__temp_register(char *path)
{
	for (int i = 0; i < LM_TEMP_SLOTS; i++) {
		char *expected = NULL;
		if (atomic_compare_exchange_strong(&temp_slot[i], &expected, path))
			return i;
	}
	return -1;
}

void lm__temp_unregister(int slot)
{
	if (slot < 0 || slot >= LM_TEMP_SLOTS)
		return;
	char *path = atomic_exchange(&temp_slot[slot], NULL);
	if (path == TAKEN)
		path = atomic_exchange(&taken[slot], NULL); /* NULL while a handler still holds it: then kept */
	free(path);
}

void lm_outputs_remove_temporaries(void)
{
	for (int i = 0; i < LM_TEMP_SLOTS; i++) {
		char *path = atomic_exchange(&temp_slot[i], TAKEN);
		if (!path) {
			/* Free: leave it free (a register may race with this; it then
			 * fails its exchange and tries the next slot). */
			char *expected = TAKEN;
			atomic_compare_exchange_strong(&temp_slot[i], &expected, NULL);
		} else if (path != TAKEN) {
			unlink(path);
			atomic_store(&taken[i], path);
		}
	}
}
