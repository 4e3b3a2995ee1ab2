/*
 * Writes the report of a trial with waves from the C API (the CLI's wave
 * options come with the prepost command): tests/data/waves-report, three
 * arms (one small), units as clusters, control as the reference.
 *   waves_report SOURCE_ROOT OUT.html
 */
#include <stdio.h>

#include "libra_measures/libra_measures.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: waves_report SOURCE_ROOT OUT.html\n");
		return 2;
	}
	static const char *const waves[] = {"base", "m6", "m12"};
	char def[4096], paths[3][4096];
	snprintf(def, sizeof(def), "%s/tests/data/waves-report/instrument.yaml", argv[1]);
	for (int k = 0; k < 3; k++)
		snprintf(paths[k], sizeof(paths[k]), "%s/tests/data/waves-report/%s.csv", argv[1], waves[k]);
	const char *const files[] = {paths[0], paths[1], paths[2]};
	lm_instrument *inst = NULL;
	lm_prepost *pp = NULL;
	lm_report *r = NULL;
	lm_error *err = NULL;
	int rc = lm_error_new(&err);
	if (rc == LM_OK)
		rc = lm_instrument_load_file(&inst, def, err);
	if (rc == LM_OK)
		rc = lm_prepost_new(&pp, inst);
	if (rc == LM_OK)
		rc = lm_prepost_set_group_column(pp, "arm");
	if (rc == LM_OK)
		rc = lm_prepost_set_cluster_column(pp, "unit");
	if (rc == LM_OK)
		rc = lm_prepost_set_reference_group(pp, "control");
	if (rc == LM_OK)
		rc = lm_prepost_set_waves(pp, waves, 3);
	if (rc == LM_OK)
		rc = lm_prepost_run_wave_files(pp, files, 3, err);
	if (rc == LM_OK)
		rc = lm_report_new(&r, pp);
	if (rc == LM_OK)
		rc = lm_report_write_file(r, argv[2], err);
	if (rc != LM_OK)
		fprintf(stderr, "waves_report: %s\n", lm_strerror(rc));
	lm_report_free(r);
	lm_prepost_free(pp);
	lm_instrument_free(inst);
	lm_error_free(err);
	return rc == LM_OK ? 0 : 1;
}
