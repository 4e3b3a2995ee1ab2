/*
 * libra_measures — scoring secondary-traumatic-stress programme questionnaires
 * from reviewed YAML definitions. This umbrella header includes the whole API.
 *
 * Ownership: an out-parameter of a *_new / *_load / *_open function is owned
 * by the caller and given back with the matching *_free (which accepts NULL).
 * Pointers returned directly are borrowed from their parent object.
 */
#ifndef LIBRA_MEASURES_H
#define LIBRA_MEASURES_H

#include "common.h"
#include "version.h"
#include "error.h"
#include "number.h"
#include "instrument.h"
#include "load.h"
#include "score.h"
#include "batch.h"
#include "table.h"
#include "outputs.h"
#include "writer.h"
#include "pipeline.h"
#include "stats.h"
#include "prepost.h"
#include "report.h"

#endif
