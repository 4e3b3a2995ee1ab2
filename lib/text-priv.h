/*
 * libra_measures — private: which characters a text may hold, and where in a
 * definition a YAML value sits (its field, for messages). Used by load-yaml.c
 * (definitions refuse control characters) and error.c (messages show them
 * escaped).
 */
#ifndef LM_TEXT_PRIV_H
#define LM_TEXT_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

/*
 * The first character of s[0..len) that a text may not hold: C0 controls
 * (U+0000..U+001F) except, when allow_breaks, tab and line feed; DEL
 * (U+007F); and the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F). Returns
 * its byte offset, or len when there is none; *cp is the code point and
 * *chars the number of characters before it. s is UTF-8 (libyaml checked).
 */
size_t lm__text_find_control(const char *s, size_t len, int allow_breaks, uint32_t *cp, size_t *chars);

/*
 * s as it may be shown on a terminal: C0 controls (tab and line feed too),
 * DEL and bytes that are not UTF-8 as \xNN, C1 controls as \u00NN; the rest
 * unchanged. NULL when s needs no escape (or no memory: *nomem is set then).
 * The caller frees.
 */
char *lm__text_escape(const char *s, int *nomem);

/*
 * Where the next node of a YAML event stream goes: the field it is, for
 * messages ("items[2].label", "notes[0]", or "a key in items[2]"). Fed every
 * event in order; deeper than LM__YPATH_DEPTH it still counts, naming the
 * deepest level it kept.
 */
#define LM__YPATH_DEPTH 20
#define LM__YPATH_KEY 40

struct lm__ypath_level {
	int map;      /* a mapping (else a list) */
	int has_key;  /* mapping: the key of the value to come was read */
	size_t index; /* list: the index of the next item */
	char key[LM__YPATH_KEY + 4];
};

struct lm__ypath {
	unsigned depth; /* open lists and mappings, also those deeper than lv */
	struct lm__ypath_level lv[LM__YPATH_DEPTH];
};

void lm__ypath_init(struct lm__ypath *p);
/* The next node is a mapping's key. */
int lm__ypath_at_key(const struct lm__ypath *p);
/* The next node is (in) a field that may span lines: citation, terms, notes,
 * an item's text, a norms source. */
int lm__ypath_multiline(const struct lm__ypath *p);
/* The field of the next node: "name", "items[2].label", "a key in items[2]",
 * "a key at the top level". */
void lm__ypath_field(const struct lm__ypath *p, char *buf, size_t size);
/* Move past one event. */
void lm__ypath_event(struct lm__ypath *p, const yaml_event_t *ev);

#endif
