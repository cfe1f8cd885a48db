/* A growable byte buffer with a read offset; every growth is overflow-checked. */
#ifndef PRIVCONF_BUF_H
#define PRIVCONF_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t	*data;
	size_t	 off;	/* first unread byte */
	size_t	 len;	/* end of valid bytes */
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0, 0 }

/*
 * Make room for extra more bytes after len; -1 (errno ENOMEM) on overflow
 * or OOM.  Never moves bytes within the buffer: offsets a caller holds
 * into it stay valid (call buf_compact() to reclaim the consumed front).
 */
static inline int buf_reserve(struct buf *, size_t extra);
/* buf_reserve's slow path: realloc. */
int	buf_grow(struct buf *, size_t extra);
int	buf_append(struct buf *, const void *, size_t);
int	buf_appendstr(struct buf *, const char *);
int	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Drop n unread bytes from the front.  It may move the unread bytes to
 * the start: pointers into the buffer are stale after it (appending never
 * moves anything).
 */
static inline void buf_consume(struct buf *, size_t n);
/* Move unread bytes to the start so the tail has room. */
void	buf_compact(struct buf *);
void	buf_reset(struct buf *);
void	buf_free(struct buf *);
/*
 * Make malloc give large buffers their own mappings and return freed
 * memory to the system, so that a process's size falls back after a
 * burst (a long-running child otherwise keeps its peak).  Once, early.
 */
void	buf_tune_malloc(void);

/* Inline: both children call these a few times per command. */
static inline int
buf_reserve(struct buf *b, size_t extra)
{
	/* cap >= len always: no overflow, and enough room means len + extra <= cap. */
	if (b->cap - b->len >= extra)
		return 0;
	return buf_grow(b, extra);
}

/*
 * Once the consumed front is at least as large as what is left, slide
 * the rest down: the memmove costs no more than the bytes consumed, and
 * a buffer that is never quite empty (a pending partial line, a client
 * that never reads its last byte) stays bounded by what it holds, not by
 * all it ever held.
 */
static inline void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len - b->off) {
		b->off = b->len = 0;
		return;
	}
	b->off += n;
	if (b->off >= b->len - b->off)
		buf_compact(b);
}

static inline size_t
buf_unread(const struct buf *b)
{
	return b->len - b->off;
}

/* NULL for a buffer that never held a byte: NULL + 0 is undefined in C. */
static inline const uint8_t *
buf_head(const struct buf *b)
{
	return b->data == NULL ? NULL : b->data + b->off;
}

#endif
