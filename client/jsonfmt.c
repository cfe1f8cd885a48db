/*
 * The indenter of jsonfmt.h.  The value is validated first (json.c), so
 * the walk below can trust the grammar and only track strings and depth;
 * depth is bounded there, so an indent never grows past
 * 2 * CTL_JSON_DEPTH_MAX spaces.
 */
#include "client/json.h"
#include "client/jsonfmt.h"

static void
newline(FILE *out, int depth)
{
	putc('\n', out);
	while (depth-- > 0)
		fputs("  ", out);
}

static int
is_blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy the string at p[i] through its closing quote; the index after. */
static size_t
copy_string(const uint8_t *p, size_t i, FILE *out)
{
	putc(p[i++], out);
	while (p[i] != '"') {
		if (p[i] == '\\')
			putc(p[i++], out);
		putc(p[i++], out);
	}
	putc(p[i++], out);
	return i;
}

int
jsonfmt_indent(const uint8_t *p, size_t n, FILE *out)
{
	size_t	 i = 0, j;
	int	 depth = 0;

	if (json_skip(p, n, &i) == -1)
		return -1;
	while (i < n && is_blank(p[i]))
		i++;
	if (i != n)
		return -1;
	for (i = 0; i < n; ) {
		switch (p[i]) {
		case '"':
			i = copy_string(p, i, out);
			continue;
		case '{':
		case '[':
			putc(p[i], out);
			for (j = i + 1; is_blank(p[j]); j++)
				;
			if (p[j] == '}' || p[j] == ']') {
				putc(p[j], out);
				i = j + 1;
				continue;
			}
			newline(out, ++depth);
			break;
		case '}':
		case ']':
			newline(out, --depth);
			putc(p[i], out);
			break;
		case ',':
			putc(',', out);
			newline(out, depth);
			break;
		case ':':
			fputs(": ", out);
			break;
		default:
			if (!is_blank(p[i]))
				putc(p[i], out);
			break;
		}
		i++;
	}
	return 0;
}
