/* Strict decimal numbers, the one parser for options, ids and commands. */
#ifndef PRIVCONF_DECIMAL_H
#define PRIVCONF_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * s[0..len) is digits only (no sign, blank, base prefix or empty string)
 * and its value, without overflow, lies in [min, max]: store it in *out
 * and return 0; else -1 and *out is untouched.
 */
int	decimal_parse(const char *s, size_t len, uint64_t min, uint64_t max,
	    uint64_t *out);

#endif
