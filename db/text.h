/* Text that can reach a published list (names, addresses, decision
 * references, reasons) is checked where it enters the registry: once a row
 * holds a character XML 1.0 cannot carry, every later list would be refused.
 */
#ifndef VNTL_DB_TEXT_H
#define VNTL_DB_TEXT_H

#include <stddef.h>
#include <stdint.h>

enum db_text_flags {
	DB_TEXT_REQUIRED = 1,   /* empty (or NULL) is refused */
	DB_TEXT_MULTILINE = 2,  /* line feeds allowed (free text: reasons, notes) */
};

/* Limits, in characters (code points). */
#define DB_TEXT_NAME_MAX 256
#define DB_TEXT_REF_MAX 256
#define DB_TEXT_REASON_MAX 2000

/* Decode the UTF-8 sequence at s (NUL-terminated text) strictly (RFC 3629:
 * shortest form, no surrogates, at most U+10FFFF) into *cp. Returns its
 * length in bytes, or 0 when it is not valid UTF-8. */
size_t db_utf8_decode(const unsigned char *s, uint32_t *cp);

/* 0 when `value` is valid UTF-8 holding only characters XML 1.0 allows (no
 * other control character), without leading or trailing white space, of at
 * most `max_chars` characters; else 1 with a message naming `field` and what
 * is wrong at which character. NULL counts as empty. */
int db_text_check(const char *field, const char *value, size_t max_chars, unsigned flags,
		  char *err, size_t errlen);

#endif
