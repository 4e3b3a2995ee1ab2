/* Scores one STSS respondent through libra_measures built as a subproject. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libra_measures/libra_measures.h>

int main(void)
{
	const double answers[17] = {2, 3, 1, 4, 2, 3, 2, 3, 1, 3, 4, 2, 2, 1, 3, 4, 2};
	lm_instrument *stss = NULL;
	lm_scorer *scorer = NULL;
	size_t total = 0;
	int status = 1;

	if (strcmp(lm_version_string(), LM_VERSION_STRING) != 0) {
		fprintf(stderr, "headers %s, library %s\n", LM_VERSION_STRING, lm_version_string());
		return 1;
	}
	if (lm_instrument_load_builtin(&stss, "stss", NULL) == LM_OK && lm_scorer_new(&scorer, stss) == LM_OK &&
	    lm_instrument_find_scale(stss, "total", &total) == LM_OK &&
	    lm_scorer_score(scorer, answers, 17, NULL) == LM_OK) {
		printf("libra_measures %s: stss total %g\n", lm_version_string(), lm_scorer_scale_score(scorer, total));
		status = 0;
	}
	lm_scorer_free(scorer);
	lm_instrument_free(stss);
	return status;
}
