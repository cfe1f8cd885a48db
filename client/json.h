/*
 * Just enough JSON for the replies of docs/protocol.md: a validating
 * skipper (bounded depth, no allocation), the top-level fields of one
 * object as slices of the reply, and the value of a string or a small
 * integer.  Nothing is parsed into a tree: a 64 MiB stat costs no memory
 * beyond the reply itself.
 */
#ifndef PRIVCONF_CLIENT_JSON_H
#define PRIVCONF_CLIENT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_FIELDS_MAX	32	/* stat has 18 top-level keys */

struct json_field {
	const uint8_t	*key;	/* inside the quotes, escaped */
	size_t		 keylen;
	const uint8_t	*val;	/* the value's bytes, as sent */
	size_t		 vallen;
};

struct json_obj {
	struct json_field f[JSON_FIELDS_MAX];
	size_t		 n;	/* fields kept; the rest skipped */
};

/* Past blanks, then one value at p[*pos]; 0 and *pos after it, or -1. */
int	json_skip(const uint8_t *p, size_t n, size_t *pos);
/* p[0..n) is one object and nothing else: 0 and its fields, or -1. */
int	json_object(const uint8_t *p, size_t n, struct json_obj *);
/* The field named key (no escapes in key), or NULL. */
const struct json_field *json_get(const struct json_obj *, const char *key);
/* A whole number in [0, INT32_MAX]: 0 and *v, or -1. */
int	json_int(const struct json_field *, int *v);
/* A string, unescaped, written to out: 0, or -1 when not a string. */
int	json_string(const struct json_field *, FILE *out);

#endif
