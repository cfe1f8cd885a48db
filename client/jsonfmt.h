/* stat for people: the compact JSON of the server, indented. */
#ifndef PRIVCONF_CLIENT_JSONFMT_H
#define PRIVCONF_CLIENT_JSONFMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Write the JSON value p[0..n) to out indented by two spaces a level,
 * "key": value, empty objects and arrays as {} and [], strings and
 * numbers byte for byte, no final newline (jq's layout).  -1, with
 * nothing written, when p is not one valid value.
 */
int	jsonfmt_indent(const uint8_t *p, size_t n, FILE *out);

#endif
