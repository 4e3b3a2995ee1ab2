/*
 * libra_measures — shared definitions: export macros and status codes.
 * Every other public header includes this one.
 */
#ifndef LIBRA_MEASURES_COMMON_H
#define LIBRA_MEASURES_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @cond INTERNAL */
#if defined(_WIN32) && defined(LM_BUILDING_DLL)
#define LM_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define LM_EXPORT __attribute__((visibility("default")))
#else
#define LM_EXPORT
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LM_NODISCARD __attribute__((warn_unused_result))
#else
#define LM_NODISCARD
#endif
/** @endcond */

/**
 * Status codes. 0 is success, negative is failure. The values are part of
 * the ABI: they never change, and new codes are only appended.
 */
enum lm_status_code {
	LM_OK = 0,           /**< success */
	LM_ERROR = -1,       /**< generic failure */
	LM_ENOMEM = -2,      /**< out of memory */
	LM_EINVAL = -3,      /**< invalid argument (NULL handle, index out of range, bad option) */
	LM_EIO = -4,         /**< a file could not be opened, read or written */
	LM_ESYNTAX = -5,     /**< a definition is not well-formed YAML */
	LM_EDEFINITION = -6, /**< a definition breaks the rules of the format */
	LM_ENOTFOUND = -7,   /**< no such built-in instrument, item, scale or column */
	LM_EDATA = -8,       /**< a data value, row or table is not acceptable */
	LM_ELIMIT = -9       /**< an input exceeds a documented size limit */
};

/**
 * What a getter of an enumerated value returns when its arguments name
 * nothing (a NULL handle, an index out of range) and its enumeration has no
 * value of its own for that (as LM_RULE_UNKNOWN or LM_RELIABLE_UNKNOWN):
 * lm_scale_method(), lm_rule_combine(), lm_scorer_scale_status(),
 * lm_scorer_rule() and lm_scorer_value_state(). No enumeration of the
 * library has this value. It equals LM_EINVAL, which those getters have
 * always returned; the name says that it is no status code but the absence
 * of a value.
 * @since 0.3
 */
enum lm_enum_sentinel {
	LM_INVALID_ENUM = -3 /**< LM_EINVAL's value */
};

/**
 * A static, human-readable description of a status code.
 * @param code any int; unknown codes get a generic text.
 * @return a string with static storage duration; never NULL.
 * @since 0.1
 */
LM_EXPORT const char *lm_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif
