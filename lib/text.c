/*
 * libra_measures — control characters: refused in a definition's texts
 * (load-yaml.c), shown escaped in every message (error.c), so that neither a
 * definition nor a data file can send terminal escapes (colours, a changed
 * window title, a cleared screen, text that hides a warning) to whoever runs
 * `libra check`, `libra show` or reads the diagnostics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "text-priv.h"

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_length(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

size_t lm__text_find_control(const char *s, size_t len, int allow_breaks, uint32_t *cp, size_t *chars)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t count = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];
		uint32_t found = UINT32_MAX;
		if (c < 0x20 || c == 0x7F) {
			if (!(allow_breaks && (c == '\t' || c == '\n')))
				found = c;
		} else if (c == 0xC2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F) {
			found = u[i + 1];
		}
		if (found != UINT32_MAX) {
			*cp = found;
			*chars = count;
			return i;
		}
		count += (c & 0xC0) != 0x80; /* a character starts at every byte that is not a continuation */
	}
	return len;
}

char *lm__text_escape(const char *s, int *nomem)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), extra = 0;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_length(u + i, len - i);
		if (n == 0 || u[i] < 0x20 || u[i] == 0x7F)
			extra += 3, n = 1; /* one byte becomes \xNN */
		else if (n == 2 && u[i] == 0xC2 && u[i + 1] <= 0x9F)
			extra += 4; /* two bytes become \u00NN */
		i += n;
	}
	if (extra == 0)
		return NULL;
	char *out = malloc(len + extra + 1), *o = out;
	if (!out) {
		*nomem = 1;
		return NULL;
	}
	for (size_t i = 0; i < len;) {
		size_t n = utf8_length(u + i, len - i);
		if (n == 0 || u[i] < 0x20 || u[i] == 0x7F) {
			o += sprintf(o, "\\x%02X", u[i]);
			n = 1;
		} else if (n == 2 && u[i] == 0xC2 && u[i + 1] <= 0x9F) {
			o += sprintf(o, "\\u%04X", u[i + 1]);
		} else {
			memcpy(o, u + i, n);
			o += n;
		}
		i += n;
	}
	*o = '\0';
	return out;
}

/* ---- where a node sits ----------------------------------------------------- */

void lm__ypath_init(struct lm__ypath *p)
{
	p->depth = 0;
}

int lm__ypath_at_key(const struct lm__ypath *p)
{
	if (p->depth == 0 || p->depth > LM__YPATH_DEPTH)
		return 0;
	return p->lv[p->depth - 1].map && !p->lv[p->depth - 1].has_key;
}

int lm__ypath_multiline(const struct lm__ypath *p)
{
	static const char *const multiline[] = {"citation", "terms", "notes", "text", "source"};
	if (lm__ypath_at_key(p))
		return 0;
	unsigned d = p->depth < LM__YPATH_DEPTH ? p->depth : LM__YPATH_DEPTH;
	/* The nearest key above the node: its own key, or the key of the list it is in. */
	while (d > 0 && !p->lv[d - 1].map)
		d--;
	if (d == 0 || !p->lv[d - 1].has_key)
		return 0;
	for (size_t i = 0; i < sizeof multiline / sizeof multiline[0]; i++)
		if (!strcmp(p->lv[d - 1].key, multiline[i]))
			return 1;
	return 0;
}

void lm__ypath_field(const struct lm__ypath *p, char *buf, size_t size)
{
	unsigned d = p->depth < LM__YPATH_DEPTH ? p->depth : LM__YPATH_DEPTH;
	int at_key = d > 0 && p->lv[d - 1].map && !p->lv[d - 1].has_key;
	size_t used = 0;
	buf[0] = '\0';
	/* Every level names a step: a mapping its key (once read), a list its index. */
	for (unsigned i = 0; i < d && used < size; i++) {
		if (p->lv[i].map) {
			if (p->lv[i].has_key)
				used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "." : "", p->lv[i].key);
		} else {
			used += (size_t)snprintf(buf + used, size - used, "[%zu]", p->lv[i].index);
		}
	}
	if (at_key) {
		char path[256];
		snprintf(path, sizeof path, "%s", buf);
		if (path[0])
			snprintf(buf, size, "a key in %s", path);
		else
			snprintf(buf, size, "a key at the top level");
	} else if (!buf[0]) {
		snprintf(buf, size, "the definition");
	}
}

/* A node is complete: its mapping moves between key and value, its list on. */
static void complete(struct lm__ypath *p, const char *scalar, size_t len)
{
	if (p->depth == 0 || p->depth > LM__YPATH_DEPTH)
		return;
	struct lm__ypath_level *l = &p->lv[p->depth - 1];
	if (!l->map) {
		l->index++;
	} else if (!l->has_key) {
		l->has_key = 1;
		if (!scalar) {
			strcpy(l->key, "?");
		} else if (len > LM__YPATH_KEY) {
			size_t cut = LM__YPATH_KEY;
			while (cut && ((unsigned char)scalar[cut] & 0xC0) == 0x80) /* not inside a character */
				cut--;
			memcpy(l->key, scalar, cut);
			strcpy(l->key + cut, "...");
		} else {
			memcpy(l->key, scalar, len);
			l->key[len] = '\0';
		}
	} else {
		l->has_key = 0;
	}
}

void lm__ypath_event(struct lm__ypath *p, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		complete(p, (const char *)ev->data.scalar.value, ev->data.scalar.length);
		break;
	case YAML_ALIAS_EVENT:
		complete(p, NULL, 0);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (p->depth < LM__YPATH_DEPTH) {
			p->lv[p->depth].map = ev->type == YAML_MAPPING_START_EVENT;
			p->lv[p->depth].has_key = 0;
			p->lv[p->depth].index = 0;
		}
		p->depth++;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (p->depth > 0)
			p->depth--;
		complete(p, NULL, 0);
		break;
	default:
		break;
	}
}
