/* Checking text where it enters the registry (see text.h). */
#include "db/text.h"
#include "db/db_internal.h"

#include <stdint.h>
#include <string.h>

size_t db_utf8_decode(const unsigned char *s, uint32_t *cp)
{
	static const uint32_t min_of_len[5] = {0, 0, 0x80, 0x800, 0x10000};
	size_t len;
	uint32_t c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, c &= 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min_of_len[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* XML 1.0 Char, less the C0 and C1 controls that no name or reference
 * needs (tab and carriage return included: they only hide in displays). */
static int allowed(uint32_t cp, unsigned flags)
{
	if (cp == '\n')
		return (flags & DB_TEXT_MULTILINE) != 0;
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return 0;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	return cp != 0xFFFE && cp != 0xFFFF;
}

static int is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\n' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B);
}

int db_text_check(const char *field, const char *value, size_t max_chars, unsigned flags,
		  char *err, size_t errlen)
{
	if (!value || !*value)
		return (flags & DB_TEXT_REQUIRED) ? db_msg(1, err, errlen, "%s is required", field) : 0;
	const unsigned char *s = (const unsigned char *)value;
	size_t chars = 0;
	uint32_t cp = 0;
	for (size_t at = 0; s[at]; chars++) {
		size_t n = db_utf8_decode(s + at, &cp);
		if (n == 0)
			return db_msg(1, err, errlen, "%s is not valid UTF-8 (byte 0x%02X at offset %zu): "
				      "give the text in UTF-8", field, s[at], at);
		if (!allowed(cp, flags))
			return db_msg(1, err, errlen, "%s holds the control character U+%04X at character %zu, "
				      "which a trust list cannot carry", field, (unsigned)cp, chars + 1);
		if (chars == 0 && is_space(cp))
			return db_msg(1, err, errlen, "%s starts with white space", field);
		at += n;
	}
	if (is_space(cp))
		return db_msg(1, err, errlen, "%s ends with white space", field);
	if (chars > max_chars)
		return db_msg(1, err, errlen, "%s is %zu characters long; at most %zu are allowed",
			      field, chars, max_chars);
	return 0;
}
