/*
 * The JSON reader of json.h (RFC 8259 grammar).  Depth is bounded by
 * CTL_JSON_DEPTH_MAX, so a hostile reply cannot recurse the client to
 * death.
 */
#include <ctype.h>
#include <string.h>

#include "client/json.h"
#include "common/limits.h"

static int	skip_value(const uint8_t *, size_t, size_t *, int);

static void
skip_blank(const uint8_t *p, size_t n, size_t *pos)
{
	while (*pos < n && (p[*pos] == ' ' || p[*pos] == '\t' ||
	    p[*pos] == '\n' || p[*pos] == '\r'))
		(*pos)++;
}

/* Four hex digits at p[pos]: the value, or -1. */
static long
hex4(const uint8_t *p, size_t n, size_t pos)
{
	long	 v = 0;
	int	 i;
	uint8_t	 c;

	if (pos > n || n - pos < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = p[pos + i];
		if (!isxdigit(c))
			return -1;
		v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static int
skip_string(const uint8_t *p, size_t n, size_t *pos)
{
	size_t	 i = *pos + 1;

	while (i < n) {
		if (p[i] == '"') {
			*pos = i + 1;
			return 0;
		}
		if (p[i] < 0x20)
			return -1;
		if (p[i] == '\\') {
			if (++i >= n)
				return -1;
			if (p[i] == 'u') {
				if (hex4(p, n, i + 1) < 0)
					return -1;
				i += 4;
			} else if (memchr("\"\\/bfnrt", p[i], 8) == NULL)
				return -1;
		}
		i++;
	}
	return -1;
}

static size_t
digits(const uint8_t *p, size_t n, size_t i)
{
	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	return i;
}

static int
skip_number(const uint8_t *p, size_t n, size_t *pos)
{
	size_t	 i = *pos, d;

	if (i < n && p[i] == '-')
		i++;
	if (i < n && p[i] == '0')
		i++;
	else if ((d = digits(p, n, i)) > i)
		i = d;
	else
		return -1;
	if (i < n && p[i] == '.') {
		if ((d = digits(p, n, i + 1)) == i + 1)
			return -1;
		i = d;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if ((d = digits(p, n, i)) == i)
			return -1;
		i = d;
	}
	*pos = i;
	return 0;
}

static int
skip_word(const uint8_t *p, size_t n, size_t *pos, const char *w)
{
	size_t	 len = strlen(w);

	if (n - *pos < len || memcmp(p + *pos, w, len) != 0)
		return -1;
	*pos += len;
	return 0;
}

/* Object or array at p[*pos]; close is '}' or ']'. */
static int
skip_list(const uint8_t *p, size_t n, size_t *pos, int depth, uint8_t close)
{
	(*pos)++;
	skip_blank(p, n, pos);
	if (*pos < n && p[*pos] == close) {
		(*pos)++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			skip_blank(p, n, pos);
			if (*pos >= n || p[*pos] != '"' ||
			    skip_string(p, n, pos) == -1)
				return -1;
			skip_blank(p, n, pos);
			if (*pos >= n || p[(*pos)++] != ':')
				return -1;
		}
		if (skip_value(p, n, pos, depth + 1) == -1)
			return -1;
		skip_blank(p, n, pos);
		if (*pos >= n)
			return -1;
		if (p[*pos] == close) {
			(*pos)++;
			return 0;
		}
		if (p[(*pos)++] != ',')
			return -1;
	}
}

static int
skip_value(const uint8_t *p, size_t n, size_t *pos, int depth)
{
	skip_blank(p, n, pos);
	if (*pos >= n)
		return -1;
	switch (p[*pos]) {
	case '{':
	case '[':
		if (depth >= CTL_JSON_DEPTH_MAX)
			return -1;
		return skip_list(p, n, pos, depth, p[*pos] == '{' ? '}' : ']');
	case '"':
		return skip_string(p, n, pos);
	case 't':
		return skip_word(p, n, pos, "true");
	case 'f':
		return skip_word(p, n, pos, "false");
	case 'n':
		return skip_word(p, n, pos, "null");
	}
	return skip_number(p, n, pos);
}

int
json_skip(const uint8_t *p, size_t n, size_t *pos)
{
	return skip_value(p, n, pos, 0);
}

int
json_object(const uint8_t *p, size_t n, struct json_obj *o)
{
	struct json_field *f;
	size_t		 pos = 0, start;

	o->n = 0;
	if (json_skip(p, n, &pos) == -1)
		return -1;
	skip_blank(p, n, &pos);
	if (pos != n)
		return -1;
	/* Valid: now walk the top level without checks. */
	pos = 0;
	skip_blank(p, n, &pos);
	if (p[pos] != '{')
		return -1;
	pos++;
	for (;;) {
		skip_blank(p, n, &pos);
		if (p[pos] == '}')
			return 0;
		start = pos;
		skip_string(p, n, &pos);
		f = o->n < JSON_FIELDS_MAX ? &o->f[o->n++] : NULL;
		if (f != NULL) {
			f->key = p + start + 1;
			f->keylen = pos - start - 2;
		}
		skip_blank(p, n, &pos);
		pos++;	/* ':' */
		skip_blank(p, n, &pos);
		start = pos;
		json_skip(p, n, &pos);
		if (f != NULL) {
			f->val = p + start;
			f->vallen = pos - start;
		}
		skip_blank(p, n, &pos);
		if (p[pos++] == '}')
			return 0;
	}
}

const struct json_field *
json_get(const struct json_obj *o, const char *key)
{
	size_t	 i, len = strlen(key);

	for (i = 0; i < o->n; i++)
		if (o->f[i].keylen == len && memcmp(o->f[i].key, key, len) == 0)
			return &o->f[i];
	return NULL;
}

int
json_int(const struct json_field *f, int *v)
{
	long	 r = 0;
	size_t	 i;

	if (f == NULL || f->vallen == 0 || f->vallen > 9)
		return -1;
	for (i = 0; i < f->vallen; i++) {
		if (f->val[i] < '0' || f->val[i] > '9')
			return -1;
		r = r * 10 + (f->val[i] - '0');
	}
	if (f->vallen > 1 && f->val[0] == '0')
		return -1;
	*v = (int)r;
	return 0;
}

static void
put_utf8(unsigned long c, FILE *out)
{
	if (c < 0x80)
		putc((int)c, out);
	else if (c < 0x800) {
		putc((int)(0xc0 | (c >> 6)), out);
		putc((int)(0x80 | (c & 0x3f)), out);
	} else if (c < 0x10000) {
		putc((int)(0xe0 | (c >> 12)), out);
		putc((int)(0x80 | ((c >> 6) & 0x3f)), out);
		putc((int)(0x80 | (c & 0x3f)), out);
	} else {
		putc((int)(0xf0 | (c >> 18)), out);
		putc((int)(0x80 | ((c >> 12) & 0x3f)), out);
		putc((int)(0x80 | ((c >> 6) & 0x3f)), out);
		putc((int)(0x80 | (c & 0x3f)), out);
	}
}

/* \uXXXX at s[i] (after the 'u'), a surrogate pair taken whole. */
static size_t
put_uescape(const uint8_t *s, size_t n, size_t i, FILE *out)
{
	long	 c = hex4(s, n, i), lo;

	if (c >= 0xd800 && c < 0xdc00 && n - i >= 10 && s[i + 4] == '\\' &&
	    s[i + 5] == 'u' && (lo = hex4(s, n, i + 6)) >= 0xdc00 &&
	    lo < 0xe000) {
		put_utf8(0x10000 + (((unsigned long)c - 0xd800) << 10) +
		    ((unsigned long)lo - 0xdc00), out);
		return i + 10;
	}
	/* A lone surrogate has no UTF-8 form. */
	put_utf8(c >= 0xd800 && c < 0xe000 ? 0xfffd : (unsigned long)c, out);
	return i + 4;
}

int
json_string(const struct json_field *f, FILE *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const uint8_t	*s;
	const char	*e;
	size_t		 i, n;

	if (f == NULL || f->vallen < 2 || f->val[0] != '"')
		return -1;
	s = f->val + 1;
	n = f->vallen - 2;
	for (i = 0; i < n; ) {
		if (s[i] != '\\') {
			putc(s[i++], out);
			continue;
		}
		if (s[i + 1] == 'u') {
			i = put_uescape(s, n, i + 2, out);
			continue;
		}
		e = strchr(from, s[i + 1]);
		putc(to[e - from], out);
		i += 2;
	}
	return 0;
}
