/* Strict UTF-8 validation (RFC 3629), the check Rust's String::from_utf8 makes. */
#include <string.h>

#include "common/utf8.h"

#define ASCII_HIGH_BITS	0x8080808080808080ull

/* Command lines are mostly ASCII: skip it eight bytes per step. */
static size_t
utf8_ascii_run(const uint8_t *s, size_t i, size_t n)
{
	uint64_t w;

	while (n - i >= 8) {
		memcpy(&w, s + i, 8);
		if ((w & ASCII_HIGH_BITS) != 0)
			break;
		i += 8;
	}
	/*
	 * Fewer than eight left: the last eight bytes in one load (the
	 * first of them seen already, and ASCII).
	 */
	if (i < n && n - i < 8 && n >= 8) {
		memcpy(&w, s + n - 8, 8);
		if ((w & ASCII_HIGH_BITS) == 0)
			return n;
	}
	return i;
}

bool
utf8_valid(const uint8_t *s, size_t n)
{
	size_t	 i, k, len;
	uint32_t cp, min;
	uint8_t	 c;

	if (n < 8) {
		/* Shorter than a word: ASCII if no byte has its high bit. */
		for (c = 0, i = 0; i < n; i++)
			c |= s[i];
		if (c < 0x80)
			return true;
		i = 0;
	} else
		i = utf8_ascii_run(s, 0, n);
	while (i < n) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2; cp = c & 0x1f; min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4; cp = c & 0x07; min = 0x10000;
		} else
			return false;
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i = utf8_ascii_run(s, i + len, n);
	}
	return true;
}
