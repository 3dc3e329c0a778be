/* Confusable skeletons of names (see skeleton.h). A small table, not ICU:
 * it covers the scripts a Vietnamese registry meets, and anything it misses
 * only weakens a warning that the officer must confirm anyway. */
#include "db/skeleton.h"
#include "db/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* U+00C0..U+00FF, U+0100..U+017F and U+1EA0..U+1EF9, each to one letter
 * ('*': not a letter, kept as it is). */
static const char LATIN1[] = "aaaaaaaceeeeiiii" "dnooooo*ouuuuyps" "aaaaaaaceeeeiiii" "dnooooo*ouuuuypy";
static const char LATIN_EXT_A[] = "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii"
				  "ii" "jj" "kkk" "llllllllll" "nnnnnnnnn" "oooooo" "oo" "rrrrrr" "ssssssss"
				  "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";
static const char VIETNAMESE[] = "aaaaaaaaaaaaaaaaaaaaaaaa" "eeeeeeeeeeeeeeee" "iiii"
				 "oooooooooooooooooooooooo" "uuuuuuuuuuuuuu" "yyyyyyyy";
_Static_assert(sizeof LATIN1 == 0x40 + 1, "U+00C0..U+00FF");
_Static_assert(sizeof LATIN_EXT_A == 0x80 + 1, "U+0100..U+017F");
_Static_assert(sizeof VIETNAMESE == 0x5A + 1, "U+1EA0..U+1EF9");

struct look_alike {
	uint32_t cp;
	char latin;
};

/* Cyrillic and Greek letters drawn like Latin ones. */
static const struct look_alike SCRIPTS[] = {
	{0x0391, 'a'}, {0x0392, 'b'}, {0x0395, 'e'}, {0x0396, 'z'}, {0x0397, 'h'}, {0x0399, 'i'},
	{0x039A, 'k'}, {0x039C, 'm'}, {0x039D, 'n'}, {0x039F, 'o'}, {0x03A1, 'p'}, {0x03A4, 't'},
	{0x03A5, 'y'}, {0x03A7, 'x'}, {0x03B1, 'a'}, {0x03B9, 'i'}, {0x03BD, 'v'}, {0x03BF, 'o'},
	{0x03C1, 'p'}, {0x03C5, 'u'}, {0x0405, 's'}, {0x0406, 'i'}, {0x0408, 'j'}, {0x0410, 'a'},
	{0x0412, 'b'}, {0x0415, 'e'}, {0x041A, 'k'}, {0x041C, 'm'}, {0x041D, 'h'}, {0x041E, 'o'},
	{0x0420, 'p'}, {0x0421, 'c'}, {0x0422, 't'}, {0x0423, 'y'}, {0x0425, 'x'}, {0x0430, 'a'},
	{0x0435, 'e'}, {0x043E, 'o'}, {0x0440, 'p'}, {0x0441, 'c'}, {0x0443, 'y'}, {0x0445, 'x'},
	{0x0455, 's'}, {0x0456, 'i'}, {0x0458, 'j'}, {0x01A0, 'o'}, {0x01A1, 'o'}, {0x01AF, 'u'},
	{0x01B0, 'u'},
};

static int dropped(uint32_t cp)
{
	return cp == ' ' || cp == '-' || cp == '_' || cp == '.' || cp == ',' || cp == '\'' ||
	       (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0xAD ||
	       (cp >= 0x0300 && cp <= 0x036F) ||                  /* combining marks */
	       (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2010 && cp <= 0x2015) ||
	       cp == 0x2060 || cp == 0x2212 || cp == 0x3000 || cp == 0xFEFF;
}

/* The ASCII letter or digit `cp` stands for, or 0 when it is kept as is. */
static char fold(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E) /* fullwidth forms */
		cp -= 0xFEE0;
	if (cp < 0x80) {
		char c = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		return c == '0' ? 'o' : c == '1' ? 'l' : c;
	}
	if (cp >= 0xC0 && cp <= 0xFF)
		return LATIN1[cp - 0xC0] == '*' ? 0 : LATIN1[cp - 0xC0];
	if (cp >= 0x100 && cp <= 0x17F)
		return LATIN_EXT_A[cp - 0x100];
	if (cp >= 0x1EA0 && cp <= 0x1EF9)
		return VIETNAMESE[cp - 0x1EA0];
	for (size_t i = 0; i < sizeof SCRIPTS / sizeof SCRIPTS[0]; i++)
		if (SCRIPTS[i].cp == cp)
			return SCRIPTS[i].latin;
	return 0;
}

char *db_skeleton(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text);
	char *out = malloc(n + 1); /* a skeleton is never longer than its name */
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t at = 0; at < n;) {
		uint32_t cp;
		size_t len = db_utf8_decode(s + at, &cp);
		if (len == 0) {
			out[o++] = (char)s[at++];
			continue;
		}
		if (!dropped(cp)) {
			char c = fold(cp);
			if (c) {
				out[o++] = c;
			} else {
				memcpy(out + o, s + at, len);
				o += len;
			}
		}
		at += len;
	}
	out[o] = '\0';
	return out;
}
