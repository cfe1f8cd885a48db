/* UTF-8 validation of client lines (docs/protocol.md 3.1). */
#ifndef PRIVCONF_UTF8_H
#define PRIVCONF_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strict RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF. NUL is valid. */
bool	utf8_valid(const uint8_t *, size_t);

#endif
