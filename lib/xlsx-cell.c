/*
 * libra_measures — what an Excel cell shows (xlsx.c reads the workbook): the
 * kind of a number format (date, time, number), serial dates as ISO 8601
 * text under the 1900 and 1904 date systems, the numbers a sheet stores read
 * under any locale, and OOXML's _xHHHH_ escapes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xlsx-priv.h"

/*
 * What a number format code shows: a date, a time, both, or a number. Its
 * first section only; quoted text, escaped characters, fill and padding
 * characters and [colour]/[condition] brackets say nothing, but [h], [m],
 * [s] (elapsed time) are time.
 */
int lm__xlsx_format_kind(const char *code)
{
	int date = 0, time = 0, month_or_minute = 0;
	for (const char *p = code; *p && *p != ';'; p++) {
		char c = (char)(*p | 0x20);
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');
			if (!q)
				break;
			p = q;
		} else if (*p == '\\' || *p == '_' || *p == '*') {
			if (!p[1])
				break;
			p++;
		} else if (*p == '[') {
			const char *q = strchr(p + 1, ']');
			if (!q)
				break;
			char h = (char)(p[1] | 0x20);
			if (h == 'h' || h == 'm' || h == 's')
				time = 1;
			p = q;
		} else if (c == 'a' && (strncmp(p, "AM/PM", 5) == 0 || strncmp(p, "am/pm", 5) == 0)) {
			time = 1;
			p += 4;
		} else if (c == 'y' || c == 'd') {
			date = 1;
		} else if (c == 'h' || c == 's') {
			time = 1;
		} else if (c == 'm') {
			month_or_minute = 1;
		} else if (c == 'e' && p == code) {
			break; /* "E+00"-style scientific formats start with a digit; "General" reaches here */
		}
	}
	if (month_or_minute && !time)
		date = 1;
	return date && time ? LM_XLSX_DATETIME : date ? LM_XLSX_DATE : time ? LM_XLSX_TIME : LM_XLSX_NUMBER;
}

/* Excel's built-in number formats that are dates and times (ECMA-376 18.8.30,
 * and the East Asian ones). */
int lm__xlsx_builtin_kind(long long id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) || (id >= 50 && id <= 58))
		return LM_XLSX_DATE;
	if ((id >= 18 && id <= 21) || (id >= 32 && id <= 33) || (id >= 45 && id <= 47))
		return LM_XLSX_TIME;
	if (id == 22)
		return LM_XLSX_DATETIME;
	return LM_XLSX_NUMBER;
}

/* Decode _xHHHH_ in [b->s + from, b->s + b->len) in place. */
void lm__xlsx_decode_escapes(struct lm_strbuf *b, size_t from)
{
	if (!b->s || b->failed)
		return;
	char *s = b->s, *w = s + from;
	size_t i = from;
	while (i < b->len) {
		unsigned v = 0;
		int ok = i + 7 <= b->len && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_';
		for (int k = 2; ok && k < 6; k++) {
			char c = s[i + k];
			unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
				     : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (unsigned)((c | 0x20) - 'a' + 10)
									    : 16u;
			ok = d < 16;
			v = v * 16 + d;
		}
		if (!ok || (v >= 0xD800 && v <= 0xDFFF)) {
			*w++ = s[i++];
			continue;
		}
		/* At most 3 UTF-8 bytes for 7 bytes of escape. */
		if (v < 0x80) {
			*w++ = (char)v;
		} else if (v < 0x800) {
			*w++ = (char)(0xC0 | (v >> 6));
			*w++ = (char)(0x80 | (v & 0x3F));
		} else {
			*w++ = (char)(0xE0 | (v >> 12));
			*w++ = (char)(0x80 | ((v >> 6) & 0x3F));
			*w++ = (char)(0x80 | (v & 0x3F));
		}
		i += 7;
	}
	b->len = (size_t)(w - s);
	s[b->len] = '\0';
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void civil(long long z, long long *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long yy = (long long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

/*
 * A serial date-time as ISO 8601 text: "2024-03-05", "13:30:00" or
 * "2024-03-05 13:30:00", by @p kind. 0 when out of Excel's range (the
 * number is then shown as a number, as Excel shows ####).
 */
int lm__xlsx_put_date(struct lm_strbuf *b, double v, int kind, int date1904)
{
	if (!(v >= 0) || v >= 2958466.0)
		return 0;
	long long total = llround(v * 86400.0); /* seconds, rounded as Excel shows them */
	long long days = total / 86400, secs = total % 86400;
	char text[48];
	int n = 0;
	if (kind != LM_XLSX_TIME) {
		long long y;
		unsigned m, d;
		if (date1904) {
			civil(days - 24107, &y, &m, &d); /* 1904-01-01 is 24107 days before 1970-01-01 */
		} else if (days == 60) {
			y = 1900, m = 2, d = 29; /* Lotus 1-2-3's leap day, which Excel keeps */
		} else if (days == 0) {
			return 0;
		} else {
			civil(days - (days < 60 ? 25568 : 25569), &y, &m, &d);
		}
		n = snprintf(text, sizeof(text), "%04lld-%02u-%02u", y, m, d);
	}
	if (kind == LM_XLSX_TIME)
		n = snprintf(text, sizeof(text), "%02lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
	else if (kind == LM_XLSX_DATETIME)
		n += snprintf(text + n, sizeof(text) - (size_t)n, " %02lld:%02lld:%02lld", secs / 3600, secs / 60 % 60,
			      secs % 60);
	lm__sb_add(b, text, (size_t)n);
	return 1;
}

/*
 * A number as the sheet stores it — "3", "0.1", "4.4000000000000004",
 * "1.5E-3" — read under any locale: strtod() of an integer significand and
 * an exponent. 0 if the text is no such number.
 */
int lm__xlsx_read_number(const char *s, size_t len, double *out)
{
	char sig[48];
	size_t n = 0, i = 0;
	long exp10 = 0;
	int neg = 0, digits = 0, point = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < len; i++) {
		char c = s[i];
		if (c == '.' && !point) {
			point = 1;
		} else if (c >= '0' && c <= '9') {
			digits = 1;
			if (n == 0 && c == '0') {
				if (point)
					exp10--;
				continue;
			}
			if (n < 40)
				sig[n++] = c;
			else if (!point)
				exp10++;
			if (point && n <= 40)
				exp10--;
		} else {
			break;
		}
	}
	if (!digits)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		int eneg = 0;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			eneg = s[i++] == '-';
		long e = 0;
		int any = 0;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, any = 1)
			if (e < 100000)
				e = e * 10 + (s[i] - '0');
		if (!any)
			return 0;
		exp10 += eneg ? -e : e;
	}
	if (i != len)
		return 0;
	if (!n) {
		*out = 0;
		return 1;
	}
	snprintf(sig + n, sizeof(sig) - n, "e%ld", exp10);
	double v = strtod(sig, NULL);
	if (!isfinite(v))
		return 0;
	*out = neg ? -v : v;
	return 1;
}

