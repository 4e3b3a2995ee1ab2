/*
 * libra_measures — the first step of loading a definition: its YAML text read
 * with libyaml into a tree of nodes that keep their places (line, column), with
 * syntax errors, refused texts and the limits on its size reported where they
 * are. load.c builds the model from the tree.
 */
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "internal.h"
#include "load-priv.h"
#include "text-priv.h"

/*
 * The field that the byte at `offset` is in, for a byte libyaml refused
 * before it got there (it checks characters as it fills its buffer, ahead of
 * the parse): the text before the byte is read again. The field is the last
 * value's when that value runs up to the byte (a plain value cut short
 * there), else the place of the next value (a quoted value whose closing
 * quote lies beyond the byte). Good enough to name the field; the line and
 * column say exactly where the byte is.
 */
static void field_at(const char *text, size_t offset, char *buf, size_t size)
{
	snprintf(buf, size, "the definition");
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, offset);
	struct lm__ypath path;
	lm__ypath_init(&path);
	char last[256] = "";
	size_t last_end = 0, chars = 0;
	/* (Spaces before the byte end a plain value: "citation: Doe " then the byte.) */
	size_t end = offset;
	while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t'))
		end--;
	for (size_t i = 0; i < end; i++)
		chars += ((unsigned char)text[i] & 0xC0) != 0x80;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev))
			break;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_SCALAR_EVENT) {
			lm__ypath_field(&path, last, sizeof last);
			last_end = ev.end_mark.index;
			/* An empty value is where the text ends when the byte was
			 * its first character ("name: " then the byte). */
			if (ev.data.scalar.length == 0 && ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
				last_end = chars;
		} else if (ev.type != YAML_SEQUENCE_END_EVENT && ev.type != YAML_MAPPING_END_EVENT &&
			   ev.type != YAML_DOCUMENT_END_EVENT) {
			last[0] = '\0';
		}
		lm__ypath_event(&path, &ev);
		yaml_event_delete(&ev);
	}
	/* (A mark's index counts characters; the byte count is taken too, in
	 * case a libyaml counts bytes.) */
	if (last[0] && (last_end == chars || last_end == end))
		snprintf(buf, size, "%s", last);
	else
		lm__ypath_field(&path, buf, size);
	yaml_parser_delete(&parser);
}

/*
 * Whether the place libyaml stopped at (0-based line and column) lies in the
 * indentation of its line and that indentation holds a tab; *tab_col is then
 * the first tab's 1-based column. libyaml's own words for this ("found
 * character that cannot start any token") do not say that the tab is the
 * problem.
 */
static int tab_in_indentation(const char *text, size_t len, size_t line, size_t column, unsigned long *tab_col)
{
	size_t i = 0, l = 0;
	while (l < line && i < len)
		if (text[i++] == '\n')
			l++;
	if (l < line)
		return 0;
	size_t indent = 0, tab = 0;
	int found = 0;
	for (; i + indent < len && (text[i + indent] == ' ' || text[i + indent] == '\t'); indent++)
		if (text[i + indent] == '\t' && !found) {
			tab = indent;
			found = 1;
		}
	if (!found || column > indent)
		return 0;
	*tab_col = (unsigned long)tab + 1;
	return 1;
}

/*
 * libyaml's complaint, where it was found. Reader errors (a NUL or another
 * control byte, bytes that are not UTF-8) come with a byte offset rather than
 * a line and column.
 */
static int syntax_error(const yaml_parser_t *p, const char *text, size_t len, const char *file, lm_error *err)
{
	/* libyaml 0.2.5's loader fails without setting an error when copying a
	 * tag fails (yaml_strdup in yaml_parser_load_scalar and the like): a
	 * failure with no error is a failed allocation too. */
	if (p->error == YAML_MEMORY_ERROR || p->error == YAML_NO_ERROR)
		return lm__error(err, LM_ENOMEM, file, 0, 0, "out of memory");
	const char *problem = p->problem ? p->problem : "not well-formed YAML";
	if (p->error == YAML_READER_ERROR) {
		unsigned long line = 1, col = 1;
		for (size_t i = 0; i < p->problem_offset && i < len; i++) {
			col = text[i] == '\n' ? 1 : col + 1;
			line += text[i] == '\n';
		}
		if (p->problem_value >= 0 && !strcmp(problem, "control characters are not allowed")) {
			char field[256];
			field_at(text, p->problem_offset < len ? p->problem_offset : len, field, sizeof field);
			return lm__error(err, LM_ESYNTAX, file, line, col,
					 "%s holds the control character U+%04X, written as it is: a definition must be UTF-8 text without control characters",
					 field, (unsigned)p->problem_value);
		}
		if (p->problem_value >= 0)
			return lm__error(err, LM_ESYNTAX, file, line, col, "%s (byte 0x%02X): a definition must be UTF-8 text without control characters",
					 problem, (unsigned)p->problem_value);
		return lm__error(err, LM_ESYNTAX, file, line, col, "%s", problem);
	}
	unsigned long line = p->problem_mark.line + 1, col = p->problem_mark.column + 1, tab_col;
	if (tab_in_indentation(text, len, p->problem_mark.line, p->problem_mark.column, &tab_col))
		return lm__error(err, LM_ESYNTAX, file, line, tab_col,
				 "a tab in the indentation: YAML indents with spaces only, so replace the tab with spaces");
	if (p->context)
		return lm__error(err, LM_ESYNTAX, file, line, col, "%s %s", problem, p->context);
	return lm__error(err, LM_ESYNTAX, file, line, col, "%s", problem);
}

/*
 * A text with a control character is refused, whatever way it was written:
 * YAML's escapes (\e, \x1b, \u001b, \0, \N...) arrive here as the
 * character itself (a raw control byte is refused by libyaml before, see
 * syntax_error()). Tab and line feed are allowed only in the fields that may
 * span lines; every other text (name, labels, ids, keys...) is one line.
 */
static int text_allowed(const struct lm__ypath *path, const yaml_event_t *ev, const char *file, lm_error *err)
{
	uint32_t cp;
	size_t chars, len = ev->data.scalar.length;
	if (lm__text_find_control((const char *)ev->data.scalar.value, len, lm__ypath_multiline(path), &cp, &chars) ==
	    len)
		return 1;
	char field[256];
	lm__ypath_field(path, field, sizeof field);
	yaml_mark_t m = ev->start_mark;
	if (cp == '\t' || cp == '\n')
		lm__error(err, LM_EDEFINITION, file, m.line + 1, m.column + 1,
			  "%s holds a %s (character %zu): it must be one line; only citation, terms, notes, an item's text and a norms source may hold tabs and line breaks",
			  field, cp == '\t' ? "tab" : "line break", chars + 1);
	else
		lm__error(err, LM_EDEFINITION, file, m.line + 1, m.column + 1,
			  "%s holds the control character U+%04X (character %zu): a definition's texts may not hold control characters",
			  field, (unsigned)cp, chars + 1);
	return 0;
}

/*
 * The tree of a definition, built here from libyaml's events rather than by
 * yaml_parser_load(), for three reasons: deep nesting and a huge number of
 * values are refused as they are read, before they cost memory; aliases are
 * reported where they are written; and libyaml 0.2.5's loader leaks when an
 * allocation fails (the item stack of a list whose node cannot be pushed),
 * while its document functions used here do not. Returns LM_OK with a
 * document (without a root when the stream is empty) for the caller to
 * delete, or an error with no document.
 */
int lm__load_read_yaml(yaml_document_t *doc, const char *file, const char *text, size_t len, lm_error *err)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return lm__error(err, LM_ENOMEM, file, 0, 0, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1)) {
		yaml_parser_delete(&parser);
		return lm__error(err, LM_ENOMEM, file, 0, 0, "out of memory");
	}
	struct {
		int node, key; /* an open list or mapping; a mapping's key waiting for its value */
	} open[LM_DEFINITION_MAX_DEPTH + 1];
	unsigned depth = 0, nodes = 0, documents = 0;
	int code = LM_OK, invalid = 0, done = 0;
	struct lm__ypath path;
	lm__ypath_init(&path);
	while (!done && code == LM_OK) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			code = syntax_error(&parser, text, len, file, err);
			break;
		}
		yaml_mark_t m = ev.start_mark;
		int node = 0;
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (documents++) {
				/* Anything after the first document is a mistake worth reporting. */
				lm__error(err, LM_EDEFINITION, file, m.line + 1, m.column + 1,
					  "a definition file holds one YAML document; this is a second one");
				invalid = done = 1;
			}
			break;
		case YAML_ALIAS_EVENT:
			/* The format has no use for aliases, and an alias can make a
			 * small file describe a huge tree ("billion laughs"). */
			lm__error(err, LM_EDEFINITION, file, m.line + 1, m.column + 1,
				  "aliases (*%s) are not allowed in a definition; write the value out",
				  (const char *)ev.data.alias.anchor);
			invalid = 1;
			break;
		case YAML_SCALAR_EVENT:
			if (!text_allowed(&path, &ev, file, err))
				invalid = 1;
			if (!invalid && !(node = yaml_document_add_scalar(doc, NULL, ev.data.scalar.value,
									   (int)ev.data.scalar.length,
									   ev.data.scalar.style)))
				code = lm__error(err, LM_ENOMEM, file, 0, 0, "out of memory");
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == LM_DEFINITION_MAX_DEPTH) {
				code = lm__error(err, LM_ELIMIT, file, m.line + 1, m.column + 1,
						 "lists and mappings are nested deeper than the limit of %d levels",
						 LM_DEFINITION_MAX_DEPTH);
				break;
			}
			if (!invalid) {
				node = ev.type == YAML_SEQUENCE_START_EVENT
					       ? yaml_document_add_sequence(doc, NULL, ev.data.sequence_start.style)
					       : yaml_document_add_mapping(doc, NULL, ev.data.mapping_start.style);
				if (!node)
					code = lm__error(err, LM_ENOMEM, file, 0, 0, "out of memory");
			}
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		if (code == LM_OK && (ev.type == YAML_SCALAR_EVENT || ev.type == YAML_ALIAS_EVENT ||
				      ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) &&
		    ++nodes > LM_DEFINITION_MAX_NODES)
			code = lm__error(err, LM_ELIMIT, file, m.line + 1, m.column + 1,
					 "the definition holds more values (texts, lists, mappings) than the limit of %u",
					 LM_DEFINITION_MAX_NODES);
		if (code == LM_OK && node) {
			/* libyaml's document functions leave the marks empty. */
			doc->nodes.start[node - 1].start_mark = m;
			doc->nodes.start[node - 1].end_mark = ev.end_mark;
			/* Attach to the list or mapping it is in (the first node is the root). */
			unsigned up = ev.type == YAML_SCALAR_EVENT ? depth : depth - 1;
			int ok = 1;
			if (up > 0) {
				yaml_node_t *parent = &doc->nodes.start[open[up - 1].node - 1];
				if (parent->type == YAML_SEQUENCE_NODE)
					ok = yaml_document_append_sequence_item(doc, open[up - 1].node, node);
				else if (!open[up - 1].key)
					open[up - 1].key = node;
				else {
					ok = yaml_document_append_mapping_pair(doc, open[up - 1].node, open[up - 1].key, node);
					open[up - 1].key = 0;
				}
			}
			if (!ok)
				code = lm__error(err, LM_ENOMEM, file, 0, 0, "out of memory");
			else if (ev.type != YAML_SCALAR_EVENT)
				open[depth - 1].node = node, open[depth - 1].key = 0;
		}
		lm__ypath_event(&path, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (code == LM_OK && invalid)
		code = LM_EDEFINITION;
	if (code != LM_OK)
		yaml_document_delete(doc);
	return code;
}

/*
 * On the tree, before it is interpreted: lists, mappings and texts longer
 * than the limits are refused, so that nothing later costs more than their
 * square. (With aliases refused, the tree has no shared nodes.)
 */
int lm__load_check_limits(const yaml_document_t *doc, const char *file, lm_error *err)
{
	int limited = 0;
	for (const yaml_node_t *p = doc->nodes.start; p < doc->nodes.top; p++) {
		size_t entries = 0;
		if (p->type == YAML_SCALAR_NODE && p->data.scalar.length > LM_DEFINITION_MAX_TEXT) {
			lm__error(err, LM_ELIMIT, file, p->start_mark.line + 1, p->start_mark.column + 1,
				  "a text of %zu bytes is longer than the limit of %u", p->data.scalar.length,
				  LM_DEFINITION_MAX_TEXT);
			limited = 1;
		} else if (p->type == YAML_SEQUENCE_NODE) {
			entries = (size_t)(p->data.sequence.items.top - p->data.sequence.items.start);
		} else if (p->type == YAML_MAPPING_NODE) {
			entries = (size_t)(p->data.mapping.pairs.top - p->data.mapping.pairs.start);
		}
		if (entries > LM_DEFINITION_MAX_ENTRIES) {
			lm__error(err, LM_ELIMIT, file, p->start_mark.line + 1, p->start_mark.column + 1,
				  "%s of %zu entries is longer than the limit of %u",
				  p->type == YAML_SEQUENCE_NODE ? "a list" : "a mapping", entries, LM_DEFINITION_MAX_ENTRIES);
			limited = 1;
		}
	}
	return limited ? LM_ELIMIT : LM_OK;
}
