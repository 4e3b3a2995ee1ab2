/*
 * libra_measures — private: the parts of the definition loader. load-yaml.c
 * reads the YAML text into a tree of nodes with their places; load.c builds
 * the model from that tree; load-sources.c reads a definition from a buffer,
 * a file or the built-ins.
 */
#ifndef LM_LOAD_PRIV_H
#define LM_LOAD_PRIV_H

#include <stddef.h>
#include <yaml.h>

#include "internal.h"

/*
 * Limits on a definition, each refused with LM_ELIMIT and the place where it
 * was exceeded (documented in load.h and doc/FORMAT.md). Real definitions are
 * far inside them; they keep a hostile file from costing unbounded memory or
 * time. Size is checked before parsing, depth and node count while libyaml
 * reads events (before it builds a tree), list lengths and text lengths on
 * the tree before the definition is interpreted.
 */
#define LM_DEFINITION_MAX_BYTES (1u << 20)
#define LM_DEFINITION_MAX_DEPTH 16
#define LM_DEFINITION_MAX_NODES 100000u
#define LM_DEFINITION_MAX_ENTRIES 1000u
#define LM_DEFINITION_MAX_TEXT 16384u

/*
 * The YAML text[0..len) as a tree of nodes with their marks (load-yaml.c).
 * Syntax errors, aliases, a second document, texts with control characters,
 * and nesting or node counts over the limits are reported under `file`.
 * Returns LM_OK with a document (without a root when the stream is empty)
 * for the caller to delete with yaml_document_delete(), or an error with no
 * document.
 */
int lm__load_read_yaml(yaml_document_t *doc, const char *file, const char *text, size_t len, lm_error *err);

/* Lists, mappings and texts of the tree longer than the limits, each
 * reported (load-yaml.c). Returns LM_OK or LM_ELIMIT. */
int lm__load_check_limits(const yaml_document_t *doc, const char *file, lm_error *err);

/*
 * The instrument defined by the YAML text[0..len) (load.c): read, checked
 * for shape and validated for meaning, every problem reported under `name`
 * ("<definition>" when NULL). `source` is what the instrument says it was
 * loaded from (name when NULL).
 */
int lm__load_definition(lm_instrument **out, const char *text, size_t len, const char *name, const char *source,
			lm_error *err);

#endif
