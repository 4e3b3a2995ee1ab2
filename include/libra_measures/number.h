/*
 * libra_measures — numbers as the library reads and writes them: decimal
 * text, the same under every locale, and exact. lm_number_parse() reads a
 * number as a data cell or a definition holds it; lm_format_number() writes
 * one as every output does. What one writes without an exponent the other
 * reads back as the same double.
 *
 * Thread safety: both functions may be called from any number of threads;
 * neither allocates nor reads the locale.
 */
#ifndef LIBRA_MEASURES_NUMBER_H
#define LIBRA_MEASURES_NUMBER_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Read @p text as the library reads a response value in a data cell (and a
 * number in a definition): a plain decimal number, the same under every
 * locale. White space around it (space, tab, CR, LF, FF, VT), an optional
 * sign, then digits with at most one '.', at least one digit: "3", " 3 ",
 * "3.0", "03", "-2.5", ".5" and "5." are numbers; "", "1e3", "0x3", "inf",
 * "nan", "1,5", "1 000" and non-ASCII digits are not. "-0" is 0.
 *
 * A number is read only when it is exactly a double's number: its
 * significant digits are those lm_format_number() writes for the nearest
 * double, trailing zeros aside (every text of at most 15 significant digits
 * is). "2.9999999999999999" reads as 3 in strtod(), but is not 3: the library
 * refuses it as a response value, and so does this function, giving the
 * double it is nearest to, so that a caller can say so.
 *
 * @param[in] text the text; need not be NUL-terminated (a NUL byte in it is
 *            not a digit). NULL only with @p len 0.
 * @param[in] len its length in bytes.
 * @param[out] out the number when LM_OK; on LM_EDATA the nearest double when
 *            the text is a decimal number that no double is exactly (0 or an
 *            infinity beyond a double's range), NaN when it is not a number at
 *            all; NaN on LM_EINVAL. Never -0.
 * @return LM_OK; LM_EDATA when the text is not a number, or not exactly a
 *         double's; LM_EINVAL when @p out is NULL, or @p text is NULL and
 *         @p len is not 0.
 * @since 0.3
 */
LM_EXPORT LM_NODISCARD int lm_number_parse(const char *text, size_t len, double *out);

/**
 * Format @p value as the writers do: the shortest decimal that reads back as
 * exactly @p value (round trip: strtod() of the text, or any correctly
 * rounding reader such as Python's float() or R's as.numeric(), gives the same
 * double). That is the first of 15, 16 and 17 significant digits that does
 * (of 1 to 17 below DBL_MIN, where doubles hold fewer digits),
 * rounded to nearest, written as printf's `%.15g`, `%.16g` or `%.17g` would
 * write it in the C locale: '.' as decimal point whatever the locale, integers
 * without a fraction, an exponent (`1e+15`, `2.5e-05`) only where %g writes
 * one; never "-0". A value written with 15 significant digits or fewer (as
 * definitions and data hold them) comes out with those digits. Thread-safe.
 * @param[out] buf receives a NUL-terminated string.
 * @param[in] size size of @p buf; 32 is always enough.
 * @return the length written, or 0 if @p size is too small or the value is not finite.
 * @since 0.1
 */
LM_EXPORT size_t lm_format_number(char *buf, size_t size, double value);

#ifdef __cplusplus
}
#endif

#endif
