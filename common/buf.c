/* Growable byte buffer; every size computation is checked for overflow. */
#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

int
buf_grow(struct buf *b, size_t extra)
{
	size_t	 need, ncap;
	uint8_t	*p;

	if (extra > SIZE_MAX - b->len) {
		errno = ENOMEM;
		return -1;
	}
	need = b->len + extra;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2) {
			ncap = need;
			break;
		}
		ncap *= 2;
	}
	if ((p = realloc(b->data, ncap)) == NULL)
		return -1;
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (buf_reserve(b, n) == -1)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int
buf_appendstr(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	size_t	 room;

	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(room ? (char *)b->data + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < room) {
		b->len += (size_t)n;
		return 0;
	}
	/* +1: vsnprintf writes a NUL we do not keep. */
	if (buf_reserve(b, (size_t)n + 1) == -1)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	b->len += (size_t)n;
	return 0;
}

void
buf_compact(struct buf *b)
{
	if (b->off == 0)
		return;
	memmove(b->data, b->data + b->off, b->len - b->off);
	b->len -= b->off;
	b->off = 0;
}

void
buf_reset(struct buf *b)
{
	b->off = b->len = 0;
}

/*
 * glibc raises its mmap threshold each time a mapped chunk is freed, up to
 * 32 MiB, after which big buffers come from the heap and stay there;
 * setting it fixes it at 128 KiB.  The trim threshold gives the top of
 * the heap back past 256 KiB.
 */
void
buf_tune_malloc(void)
{
	(void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	(void)mallopt(M_TRIM_THRESHOLD, 256 * 1024);
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->off = b->len = b->cap = 0;
}
