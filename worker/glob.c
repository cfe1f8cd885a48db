/*
 * Glob matching for path rules (docs/commands.md section 3.3).
 *
 * When a rule is added, glob_analyze() reads its pattern once: the
 * literal head (the bytes before the first special one), and whether
 * the rest is one of the shapes most rules have (a directory and all
 * below it; a head, '*' and ".so"; a head and '**'; a head, '**' and
 * ".key"), which a memcmp of the head and tail and at most one memchr
 * decide.
 *
 * Any other pattern runs an automaton whose states are its tokens:
 * state j means "tokens before j have matched".  The states are bits,
 * 64 to a word, and each path byte moves all of them at once (shift-and
 * with a self-loop for each star):
 *
 *	N = ((D & M[c]) << 1) | (D & LOOP(c)),  then  N |= (N & SKIP) << 1
 *
 * where M[c] has bit j when token j takes byte c, LOOP(c) the stars
 * that take it ('**' any byte, '*' any but '/'), and SKIP the stars,
 * which may also match nothing.  Two stars are never adjacent tokens (a
 * run is one token), so one SKIP step closes the set.  A path byte costs
 * a few operations per word: O(len(path) * len(pattern) / 64) in all,
 * whatever the pattern.  M[c] is built per call for the bytes the path
 * holds, from the pattern's tokens, so nothing is stored per rule: the
 * rule index (worker/ruleidx.c) bounds how many such words one decision
 * may run (POLICY_GLOB_WORDS_MAX).
 *
 * The rows of M live in static storage (128 KiB each table at the
 * longest pattern): the worker is one thread, and a call never nests.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/limits.h"
#include "worker/glob.h"

#define NOSTATE		SIZE_MAX
#define WORDS_MAX	((PATTERN_MAX + 1 + 63) / 64)

/* Read one class member byte at *i, honouring '\'; -1 if the \ is last. */
static int
class_byte(const char *pat, size_t len, size_t *i, unsigned char *b)
{
	if (pat[*i] == '\\') {
		if (*i + 1 >= len)
			return -1;
		*b = (unsigned char)pat[*i + 1];
		*i += 2;
	} else {
		*b = (unsigned char)pat[*i];
		*i += 1;
	}
	return 0;
}

/* A class being read: cls_open() at its '[', then cls_next() per range. */
struct cls {
	const char	*pat;
	size_t		 len;
	size_t		 i;
	int		 first;
	int		 neg;
};

static void
cls_open(struct cls *k, const char *pat, size_t len, size_t o)
{
	k->pat = pat;
	k->len = len;
	k->i = o + 1;
	k->first = 1;
	k->neg = 0;
	if (k->i < len && (pat[k->i] == '!' || pat[k->i] == '^')) {
		k->neg = 1;
		k->i++;
	}
}

/*
 * The next range lo..hi of the class: 1; 0 at its closing ']', with k->i
 * just past it; -1 when the class is never closed.  ']' first is a
 * member, and so is a '-' just before the closing ']'.  A reversed range
 * such as "z-a" holds nothing, as in fnmatch(3).
 */
static int
cls_next(struct cls *k, unsigned char *lo, unsigned char *hi)
{
	if (k->i >= k->len)
		return -1;
	if (k->pat[k->i] == ']' && !k->first) {
		k->i++;
		return 0;
	}
	k->first = 0;
	if (class_byte(k->pat, k->len, &k->i, lo) == -1)
		return -1;
	*hi = *lo;
	if (k->i + 1 < k->len && k->pat[k->i] == '-' &&
	    k->pat[k->i + 1] != ']') {
		k->i++;
		if (class_byte(k->pat, k->len, &k->i, hi) == -1)
			return -1;
	}
	return 1;
}

/* The offset just past the class at pat[o] == '[', or NOSTATE. */
static size_t
class_end(const char *pat, size_t len, size_t o)
{
	struct cls	k;
	unsigned char	lo, hi;
	int		r;

	cls_open(&k, pat, len, o);
	while ((r = cls_next(&k, &lo, &hi)) == 1)
		;
	return r == 0 ? k.i : NOSTATE;
}

int
glob_check(const char *pat, size_t len)
{
	size_t	o;

	if (len > PATTERN_MAX)
		return EINVAL;
	for (o = 0; o < len; ) {
		switch (pat[o]) {
		case '\\':
			if (o + 1 >= len)
				return EINVAL;
			o += 2;
			break;
		case '[':
			if ((o = class_end(pat, len, o)) == NOSTATE)
				return EINVAL;
			break;
		default:
			o++;
			break;
		}
	}
	return 0;
}

/* Offset just past the token at pat[o], or NOSTATE for a broken one. */
static size_t
tok_end(const char *pat, size_t len, size_t o)
{
	switch (pat[o]) {
	case '\\':
		return o + 1 < len ? o + 2 : NOSTATE;
	case '[':
		return class_end(pat, len, o);
	case '*':
		while (o < len && pat[o] == '*')
			o++;
		return o;
	default:
		return o + 1;
	}
}

/*
 * For a pattern ending in '/' '***', the offset of that slash token (a
 * bare '/' or an escaped "\/"); NOSTATE otherwise.  Exactly three stars:
 * "/usr/" followed by four stars is "/usr/" '**' like any other run.  The
 * walk from the start is what tells a slash token from the second byte of
 * an escape or from a class member.
 */
static size_t
dir_suffix(const char *pat, size_t len)
{
	size_t	o, end;

	if (len < 4 || pat[len - 4] != '/' ||
	    memcmp(pat + len - 3, "***", 3) != 0)
		return NOSTATE;
	for (o = 0; o < len - 3; o = end) {
		if ((end = tok_end(pat, len, o)) == NOSTATE)
			return NOSTATE;
		if (end == len - 3)
			return o;	/* "/" at len - 4 or "\/" at len - 5 */
	}
	return NOSTATE;
}

/* Bytes with a meaning of their own in a pattern. */
static int
special(char c, int with_bracket)
{
	switch (c) {
	case '*':
	case '?':
	case '[':
	case '\\':
		return 1;
	case ']':
		return with_bracket;
	default:
		return 0;
	}
}

/* How many bytes at the start of the pattern stand only for themselves. */
static size_t
literal_prefix(const char *pat, size_t len)
{
	size_t	n;

	for (n = 0; n < len && !special(pat[n], 0); n++)
		;
	return n;
}

/*
 * How many bytes at the end of the pattern, after lo, stand only for
 * themselves.  Stopping at ']' keeps a class out.  The run may start with
 * the byte of a "\\x" escape, which is harmless: escaping a byte that is
 * not special leaves it meaning itself.
 */
static size_t
literal_suffix(const char *pat, size_t len, size_t lo)
{
	size_t	n;

	for (n = 0; n < len - lo && !special(pat[len - 1 - n], 1); n++)
		;
	return n;
}

void
glob_analyze(const char *pat, size_t len, struct glob_info *gi)
{
	size_t	head, base, stars, rest, o, m;

	memset(gi, 0, sizeof(*gi));
	head = literal_prefix(pat, len);
	base = dir_suffix(pat, len);
	gi->shape = GLOB_GENERAL;
	if (head == len)
		gi->shape = GLOB_LITERAL;
	else if (base != NOSTATE && head == len - 3)
		gi->shape = GLOB_DIR;	/* head is "/usr/", rest "***" */
	else {
		/* One star run, then nothing special: the tail shapes. */
		for (stars = 0; head + stars < len && pat[head + stars] == '*';
		    stars++)
			;
		rest = head + stars;
		if (stars > 0 && literal_prefix(pat + rest, len - rest) ==
		    len - rest) {
			gi->tail = (uint16_t)(len - rest);
			gi->shape = stars == 1 ? GLOB_STAR_TAIL :
			    rest == len ? GLOB_PREFIX : GLOB_DSTAR_TAIL;
		}
	}
	if (gi->shape == GLOB_GENERAL) {
		/* The optional slash of a '/' '***' ending is no head. */
		if (base != NOSTATE && head > base)
			head = base;
		gi->tail = (uint16_t)literal_suffix(pat, len, head);
		for (o = head, m = 0; o < len && o != NOSTATE;
		    o = tok_end(pat, len, o))
			m++;
		gi->words = (uint16_t)((m + 1 + 63) / 64);
	}
	gi->head = (uint16_t)head;
	for (o = head; o > 0 && pat[o - 1] != '/'; o--)
		;
	gi->key = (uint16_t)o;
}

void
glob_path_init(struct glob_path *gp, const char *path, size_t len)
{
	uint64_t	w;
	size_t		i, k;
	unsigned	c;

	gp->s = path;
	gp->len = len;
	memset(gp->present, 0, sizeof(gp->present));
	for (i = 0; i < len; i++) {
		c = (unsigned char)path[i];
		gp->present[c / 64] |= UINT64_C(1) << (c % 64);
	}
	gp->nslot = 0;
	for (k = 0; k < 4; k++) {
		gp->below[k] = gp->nslot;
		for (w = gp->present[k]; w != 0; w &= w - 1) {
			c = (unsigned)(k * 64) + (unsigned)__builtin_ctzll(w);
			gp->slot[c] = (uint8_t)gp->nslot++;
		}
	}
}

/* How many bytes below c the path holds: the slot where c would go. */
static size_t
rank(const struct glob_path *gp, unsigned c)
{
	uint64_t	w;

	if (c >= 256)
		return gp->nslot;
	w = gp->present[c / 64] & ((UINT64_C(1) << (c % 64)) - 1);
	return gp->below[c / 64] + (size_t)__builtin_popcountll(w);
}

/*
 * The automaton's rows for one call: row[s] is M[c] for the path's byte
 * of slot s.  A token that takes a set of bytes takes, since slots are
 * in byte order, a few runs of consecutive slots; each run is written
 * as two XORs into a difference array that one prefix pass turns into
 * the rows.  So building costs O(len(pattern) + distinct bytes * words),
 * never O(len(pattern) * 256).
 */
static uint64_t	rows[256 + 1][WORDS_MAX];

struct nfa {
	size_t		 nw;			/* words in use */
	uint64_t	 star1[WORDS_MAX];	/* '*': loops on all but '/' */
	uint64_t	 star2[WORDS_MAX];	/* '**': loops on every byte */
	uint64_t	 skip[WORDS_MAX];	/* both: may match nothing */
	uint64_t	 accept[WORDS_MAX];
	size_t		 final2;		/* a '**' ending the pattern */
};

static int
has(const uint64_t *set, size_t j)
{
	return (set[j / 64] >> (j % 64)) & 1;
}

static void
set(uint64_t *set, size_t j)
{
	set[j / 64] |= UINT64_C(1) << (j % 64);
}

/* Bytes lo..hi into a 256-bit set. */
static void
set_range(uint64_t b[4], unsigned lo, unsigned hi)
{
	unsigned	k, a, z;

	for (k = lo / 64; k <= hi / 64; k++) {
		a = k == lo / 64 ? lo % 64 : 0;
		z = k == hi / 64 ? hi % 64 : 63;
		b[k] |= (z == 63 ? ~UINT64_C(0) :
		    (UINT64_C(1) << (z + 1)) - 1) & ~((UINT64_C(1) << a) - 1);
	}
}

/* The first byte >= c whose bit in b is v, or 256. */
static unsigned
next_bit(const uint64_t b[4], unsigned c, int v)
{
	uint64_t	w;

	while (c < 256) {
		w = (v ? b[c / 64] : ~b[c / 64]) >> (c % 64);
		if (w != 0)
			return c + (unsigned)__builtin_ctzll(w);
		c = (c | 63) + 1;
	}
	return 256;
}

/* Token j takes the bytes of b: two XORs per run of slots. */
static void
take(const struct glob_path *gp, const uint64_t b[4], size_t j)
{
	unsigned	lo, hi;
	size_t		slo, shi;

	for (lo = next_bit(b, 0, 1); lo < 256; lo = next_bit(b, hi, 1)) {
		hi = next_bit(b, lo, 0);
		slo = rank(gp, lo);
		shi = rank(gp, hi);
		if (slo == shi)
			continue;	/* the path holds none of them */
		rows[slo][j / 64] ^= UINT64_C(1) << (j % 64);
		rows[shi][j / 64] ^= UINT64_C(1) << (j % 64);
	}
}

/* The tables of pat[head..len): one token per state. */
static void
nfa_build(struct nfa *a, const char *pat, size_t len, size_t head,
    size_t base, const struct glob_path *gp)
{
	struct cls	 k;
	uint64_t	 b[4];
	unsigned char	 lo, hi, c;
	size_t		 o, end, j, w, s;

	for (o = head, j = 0; o < len && o != NOSTATE; o = tok_end(pat, len, o))
		j++;
	a->nw = (j + 1 + 63) / 64;
	for (s = 0; s <= gp->nslot; s++)
		for (w = 0; w < a->nw; w++)
			rows[s][w] = 0;
	memset(a->star1, 0, a->nw * sizeof(uint64_t));
	memset(a->star2, 0, a->nw * sizeof(uint64_t));
	memset(a->accept, 0, a->nw * sizeof(uint64_t));
	a->final2 = NOSTATE;

	for (o = head, j = 0; o < len; o = end, j++) {
		if (o == base)
			set(a->accept, j);	/* the directory itself */
		end = o + 1;
		memset(b, 0, sizeof(b));
		switch (pat[o]) {
		case '*':
			end = tok_end(pat, len, o);
			set(end - o == 1 ? a->star1 : a->star2, j);
			if (end == len && end - o >= 2)
				a->final2 = j;
			continue;
		case '?':
			set_range(b, 0, 255);
			break;
		case '[':
			cls_open(&k, pat, len, o);
			while (cls_next(&k, &lo, &hi) == 1)
				if (lo <= hi)
					set_range(b, lo, hi);
			end = k.i;
			if (k.neg)
				for (w = 0; w < 4; w++)
					b[w] = ~b[w];
			break;
		default:
			/* A byte, or an escaped one: itself, '/' included. */
			if (pat[o] == '\\' && o + 1 < len)
				end = ++o + 1;
			c = (unsigned char)pat[o];
			if (has(gp->present, c)) {
				s = gp->slot[c];
				rows[s][j / 64] ^= UINT64_C(1) << (j % 64);
				rows[s + 1][j / 64] ^= UINT64_C(1) << (j % 64);
			}
			continue;
		}
		/* '?' and classes take one byte of a component: never '/'. */
		b['/' / 64] &= ~(UINT64_C(1) << ('/' % 64));
		take(gp, b, j);
	}
	set(a->accept, j);
	for (w = 0; w < a->nw; w++)
		a->skip[w] = a->star1[w] | a->star2[w];
	for (s = 1; s < gp->nslot; s++)
		for (w = 0; w < a->nw; w++)
			rows[s][w] ^= rows[s - 1][w];
}

/* Add the states a star may skip to: one step, as stars never touch. */
static void
closure(const struct nfa *a, uint64_t *d)
{
	uint64_t	y, carry = 0;
	size_t		w;

	for (w = 0; w < a->nw; w++) {
		y = d[w] & a->skip[w];
		d[w] |= (y << 1) | carry;
		carry = y >> 63;
	}
}

/*
 * One word of states: the loop of every short pattern, in registers,
 * each byte's masks at hand by the byte itself.  The step and the star
 * closure after it are folded into three terms computed side by side,
 * which shortens the chain of operations from one byte to the next:
 *
 *	N = ((D & M) << 1) | ((D & M & SKIP >> 1) << 2) | (D & LOOP2)
 *
 * where LOOP2 is LOOP and the state past each star in it: a star's next
 * state is live exactly when the star is, D being closed.
 */
static bool
nfa_run1(const struct nfa *a, const struct glob_path *gp, size_t from,
    uint64_t d)
{
	uint64_t	 row[256], row2[256], loop2[256], lp, w;
	const uint64_t	 skip = a->skip[0], acc = a->accept[0];
	const uint64_t	 fin = a->final2 != NOSTATE ?
			    UINT64_C(1) << a->final2 : 0;
	const unsigned char *s = (const unsigned char *)gp->s;
	size_t		 i, end;
	unsigned	 c;

	/* Only the bytes the path holds are ever read. */
	for (i = 0; i < 4; i++) {
		for (w = gp->present[i]; w != 0; w &= w - 1) {
			c = (unsigned)i * 64 + (unsigned)__builtin_ctzll(w);
			row[c] = rows[gp->slot[c]][0];
			row2[c] = row[c] & (skip >> 1);
			lp = c == '/' ? a->star2[0] : skip;
			loop2[c] = lp | (lp << 1);
		}
	}
	/*
	 * No state comes back once dead, and a '**' ending never dies: the
	 * early answers may wait for the end of a block of bytes.
	 */
	for (i = from; i < gp->len; ) {
		end = gp->len - i > 16 ? i + 16 : gp->len;
		for (; i < end; i++) {
			c = s[i];
			d = ((d & row[c]) << 1) | ((d & row2[c]) << 2) |
			    (d & loop2[c]);
		}
		if (d == 0)
			return false;
		if (d & fin)
			return true;	/* a '**' ending takes the rest */
	}
	return (d & acc) != 0;
}

/*
 * Several words.  Only the words from the lowest live one to one past
 * the highest can change (a step moves a state up by one or two), so a
 * pattern whose live states sit in a few words costs those words; a
 * hostile one keeps them all live, and costs all of them.  The words
 * are updated in place, upward, each word's carries taken before it is
 * written.
 */
static bool
nfa_match(const char *pat, size_t len, size_t head,
    const struct glob_path *gp)
{
	struct nfa	 a;
	uint64_t	 d[WORDS_MAX], x, y, nv, carry, carry2;
	uint64_t	 loop_other[WORDS_MAX];
	const uint64_t	*m, *loop;
	size_t		 i, w, lo, hi, top, nlo, nhi;
	unsigned char	 c;

	nfa_build(&a, pat, len, head, dir_suffix(pat, len), gp);
	memset(d, 0, a.nw * sizeof(uint64_t));
	d[0] = 1;
	closure(&a, d);
	if (a.final2 != NOSTATE && has(d, a.final2))
		return true;
	if (a.nw == 1)
		return nfa_run1(&a, gp, head, d[0]);
	for (w = 0; w < a.nw; w++)
		loop_other[w] = a.star1[w] | a.star2[w];
	lo = hi = 0;		/* d is zero outside words lo..hi */
	for (i = head; i < gp->len; i++) {
		c = (unsigned char)gp->s[i];
		m = rows[gp->slot[c]];
		loop = c == '/' ? a.star2 : loop_other;
		top = hi + 1 < a.nw ? hi + 1 : hi;
		carry = carry2 = 0;
		nlo = SIZE_MAX;
		nhi = 0;
		for (w = lo; w <= top; w++) {
			x = d[w] & m[w];
			nv = (x << 1) | carry | (d[w] & loop[w]);
			carry = x >> 63;
			y = nv & a.skip[w];
			nv |= (y << 1) | carry2;
			carry2 = y >> 63;
			d[w] = nv;
			if (nv != 0) {
				nlo = nlo == SIZE_MAX ? w : nlo;
				nhi = w;
			}
		}
		if (nlo == SIZE_MAX)
			return false;
		lo = nlo;
		hi = nhi;
		/* A '**' that ends the pattern takes whatever is left. */
		if (a.final2 != NOSTATE && has(d, a.final2))
			return true;
	}
	for (w = lo; w <= hi; w++)
		if (d[w] & a.accept[w])
			return true;
	return false;
}

bool
glob_match_path(const char *pat, size_t patlen, const struct glob_info *gi,
    const struct glob_path *gp)
{
	const char	*path = gp->s;
	size_t		 pathlen = gp->len, head = gi->head, tail = gi->tail;

	switch (gi->shape) {
	case GLOB_LITERAL:
		return pathlen == patlen && memcmp(pat, path, patlen) == 0;
	case GLOB_DIR:
		/* The head ends in the slash that the directory lacks. */
		if (pathlen == head - 1)
			return memcmp(pat, path, head - 1) == 0;
		/* FALLTHROUGH */
	case GLOB_PREFIX:
		return pathlen >= head && memcmp(pat, path, head) == 0;
	}
	/*
	 * The literal head and tail settle most misses before anything
	 * else runs.
	 */
	if (pathlen < head || pathlen - head < tail ||
	    memcmp(pat, path, head) != 0 ||
	    memcmp(pat + patlen - tail, path + pathlen - tail, tail) != 0)
		return false;
	switch (gi->shape) {
	case GLOB_DSTAR_TAIL:
		return true;
	case GLOB_STAR_TAIL:
		return memchr(path + head, '/', pathlen - head - tail) == NULL;
	}
	return nfa_match(pat, patlen, head, gp);
}

bool
glob_match(const char *pat, size_t patlen, const char *path, size_t pathlen)
{
	struct glob_info gi;
	struct glob_path gp;

	/* Past the limit the state set would not fit; glob_check refused it. */
	if (patlen > PATTERN_MAX)
		return false;
	glob_analyze(pat, patlen, &gi);
	glob_path_init(&gp, path, pathlen);
	return glob_match_path(pat, patlen, &gi, &gp);
}
