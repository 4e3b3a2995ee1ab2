/*
 * libra_measures — the library's version at run time.
 */
#include "internal.h"

const char *lm_version_string(void) { return LM_VERSION_STRING; }
int lm_version_major(void) { return LM_VERSION_MAJOR; }
int lm_version_minor(void) { return LM_VERSION_MINOR; }
int lm_version_patch(void) { return LM_VERSION_PATCH; }
int lm_version_number(void) { return LM_VERSION_NUMBER; }
