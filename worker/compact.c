/* Compaction, the worker's half; see compact.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/errtab.h"
#include "common/log.h"
#include "worker/cmd.h"
#include "worker/compact.h"
#include "worker/dump.h"
#include "worker/policy.h"

struct compact {
	struct policy	*base;	/* the profiles alone */
	struct policy	*check;	/* the profiles, then the compacted text */
	size_t		 nbase;	/* profile lines so far */
};

static struct policy *
compact_policy(const char *addr, int64_t uid, int64_t gid)
{
	struct policy	*p;

	if ((p = policy_new()) == NULL)
		return NULL;
	if (policy_set_ipc(p, addr, uid, gid) != 0) {
		policy_free(p);
		return NULL;
	}
	return p;
}

struct compact *
compact_new(const char *ipc_addr, int64_t ipc_uid, int64_t ipc_gid)
{
	struct compact	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->base = compact_policy(ipc_addr, ipc_uid, ipc_gid);
	c->check = compact_policy(ipc_addr, ipc_uid, ipc_gid);
	if (c->base == NULL || c->check == NULL) {
		compact_free(c);
		return NULL;
	}
	return c;
}

void
compact_free(struct compact *c)
{
	if (c == NULL)
		return;
	policy_free(c->base);
	policy_free(c->check);
	free(c);
}

/* One profile line into p; its errno, 0 when it was accepted. */
static int
compact_apply(struct policy *p, const uint8_t *line, size_t len,
    struct buf *scratch)
{
	struct cmd_result res;

	buf_reset(scratch);
	return cmd_exec(p, line, len, CMD_PROFILE, scratch, &res);
}

void
compact_base(struct compact *c, const uint8_t *line, size_t len)
{
	struct buf	 scratch = BUF_INIT;

	c->nbase++;
	/* The same line on the same state: anything else is a bug. */
	if (compact_apply(c->base, line, len, &scratch) != 0 ||
	    compact_apply(c->check, line, len, &scratch) != 0)
		fatalx("op=compact why=\"profile line %zu differs on the "
		    "base\"", c->nbase);
	buf_free(&scratch);
}

/* The stat JSON of p into out: 0, ENOMEM or E2BIG. */
static int
compact_stat(const struct policy *p, struct buf *out)
{
	return cmd_render(p, CMD_SHOW_STAT, out);
}

/*
 * Replay text on the check policy: 0, or the errno of the first line
 * refused, and *lineno says which.
 */
static int
compact_replay(struct compact *c, const struct buf *text, size_t *lineno)
{
	const uint8_t	*p = buf_head(text), *end = p + buf_unread(text);
	const uint8_t	*nl;
	struct buf	 scratch = BUF_INIT;
	int		 err = 0;

	*lineno = 0;
	while (err == 0 && p < end) {
		(*lineno)++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		err = compact_apply(c->check, p, (size_t)(nl - p), &scratch);
		p = nl + 1;
	}
	buf_free(&scratch);
	return err;
}

int
compact_finish(struct compact *c, struct policy *p, struct buf *out)
{
	struct buf	 want = BUF_INIT, got = BUF_INIT;
	size_t		 lineno = 0;
	int		 err;

	buf_reset(out);
	if ((err = policy_dump_since(p, c->base, out)) != 0)
		return err;
	if ((err = compact_replay(c, out, &lineno)) != 0) {
		log_warnx("op=compact why=\"line %zu of the compacted text is "
		    "refused\" err=%s", lineno, errtab_name(err) ?
		    errtab_name(err) : "?");
		return EINVAL;
	}
	if ((err = compact_stat(p, &want)) == 0 &&
	    (err = compact_stat(c->check, &got)) == 0 &&
	    (buf_unread(&want) != buf_unread(&got) ||
	    memcmp(buf_head(&want), buf_head(&got), buf_unread(&got)) != 0)) {
		log_warnx("op=compact why=\"the compacted text does not "
		    "rebuild the same stat\"");
		err = EINVAL;
	}
	buf_free(&want);
	buf_free(&got);
	return err;
}
