/*
 * libra_measures — where a definition comes from: a buffer, a file, one of the
 * built-in definitions, or a name that is either; lm__load_definition()
 * (load.c) reads the text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "load-priv.h"

int lm_instrument_load_buffer(lm_instrument **out, const char *yaml, size_t len, const char *name, lm_error *err)
{
	return lm__load_definition(out, yaml, len, name, name, err);
}

int lm_instrument_load_file(lm_instrument **out, const char *path, lm_error *err)
{
	if (!out || !path)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_instrument_load_file");
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return lm__error(err, LM_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	/* Read at most one byte past the limit, so an oversized file is refused
	 * without reading all of it. */
	char *buf = malloc(LM_DEFINITION_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return lm__error(err, LM_ENOMEM, path, 0, 0, "out of memory");
	}
	size_t len = fread(buf, 1, LM_DEFINITION_MAX_BYTES + 1, f);
	int failed = ferror(f);
	fclose(f);
	int code;
	if (failed)
		code = lm__error(err, LM_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
	else if (len > LM_DEFINITION_MAX_BYTES)
		code = lm__error(err, LM_ELIMIT, path, 0, 0, "definition is larger than the limit of %u bytes",
				 LM_DEFINITION_MAX_BYTES);
	else
		code = lm__load_definition(out, buf, len, path, path, err);
	free(buf);
	return code;
}

size_t lm_builtin_count(void)
{
	return lm__n_builtins;
}

const char *lm_builtin_id(size_t i)
{
	return i < lm__n_builtins ? lm__builtins[i].id : NULL;
}

const char *lm_builtin_yaml(size_t i)
{
	return i < lm__n_builtins ? lm__builtins[i].yaml : NULL;
}

int lm_instrument_load_builtin(lm_instrument **out, const char *id, lm_error *err)
{
	if (!out || !id)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_instrument_load_builtin");
	*out = NULL;
	for (size_t i = 0; i < lm__n_builtins; i++) {
		const struct lm__builtin *b = &lm__builtins[i];
		if (strcmp(b->id, id) != 0)
			continue;
		char name[128], source[128];
		snprintf(name, sizeof(name), "%s.yaml (built-in)", b->id);
		snprintf(source, sizeof(source), "builtin:%s", b->id);
		return lm__load_definition(out, b->yaml, b->len, name, source, err);
	}
	return lm__error(err, LM_ENOTFOUND, NULL, 0, 0, "no built-in instrument '%s'", id);
}

int lm_instrument_load(lm_instrument **out, const char *spec, lm_error *err)
{
	if (!out || !spec)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_instrument_load");
	for (size_t i = 0; i < lm__n_builtins; i++)
		if (!strcmp(lm__builtins[i].id, spec))
			return lm_instrument_load_builtin(out, spec, err);
	if (!strchr(spec, '/') && !strchr(spec, '.')) {
		*out = NULL;
		return lm__error(err, LM_ENOTFOUND, NULL, 0, 0,
				 "'%s' is neither a built-in instrument nor a definition file (try 'libra list')", spec);
	}
	return lm_instrument_load_file(out, spec, err);
}
