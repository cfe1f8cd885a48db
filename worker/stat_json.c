/*
 * stat: the policy as one compact JSON object in the frozen schema of
 * docs/commands.md section 4, keys in that order, no trailing newline.
 *
 *	{"api":3,"version":"3.1","lock":"ipc",
 *	 "sandbox":{"walk":true,...},"default":{"walk":"deny",...},
 *	 "rules":[{"act":"allow","cap":"read","pat":"/usr/bin/env"},...],
 *	 "ioctl":{"allow":[21523],"deny":[]},
 *	 "mem_max":0,"mem_vm_max":0,"pid_max":0,
 *	 "trace":{"allow_safe_bind":false,...,"force_umask":null},
 *	 "setuid":[[1000,65534]],"setgid":[],
 *	 "name":{"host":null,"domain":null},"root":null,
 *	 "ipc":{"addr":"@privconf","uid":1000,"gid":null}}
 *
 * force_umask is a JSON number (63 for 077) or null.  Every string the
 * policy holds came from a line checked as UTF-8, so bytes >= 0x80 are
 * copied as they are; '"', '\' and control bytes are escaped.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/limits.h"
#include "worker/policy-ops.h"
#include "worker/ruleidx.h"
#include "worker/stat.h"

/* Appends never stop half-way silently: the first failure is kept. */
struct out {
	struct buf	*b;
	size_t		 start;
	int		 err;
};

static void
put(struct out *o, const char *s, size_t len)
{
	if (o->err == 0 && buf_append(o->b, s, len) == -1)
		o->err = ENOMEM;
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void
put_u64(struct out *o, uint64_t v)
{
	char	 num[24];
	int	 n;

	n = snprintf(num, sizeof(num), "%" PRIu64, v);
	put(o, num, (size_t)n);
}

int
stat_json_escape(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char	 esc[6];
	size_t	 i, run = 0;
	uint8_t	 c;

	for (i = 0; i < len; i++) {
		c = (uint8_t)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		/* Copy the plain run before this byte in one append. */
		if (buf_append(b, s + run, i - run) == -1)
			return -1;
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			if (buf_append(b, esc, 6) == -1)
				return -1;
			continue;
		}
		if (buf_append(b, esc, 2) == -1)
			return -1;
	}
	return buf_append(b, s + run, len - run);
}

static void
put_str(struct out *o, const char *s, size_t len)
{
	put(o, "\"", 1);
	if (o->err == 0 && stat_json_escape(o->b, s, len) == -1)
		o->err = ENOMEM;
	put(o, "\"", 1);
}

static void
put_optstr(struct out *o, const struct policy_str *s)
{
	if (s->s == NULL)
		puts_(o, "null");
	else
		put_str(o, s->s, s->len);
}

static void
put_optid(struct out *o, int64_t id)
{
	if (id < 0)
		puts_(o, "null");
	else
		put_u64(o, (uint64_t)id);
}

static void
put_u32list(struct out *o, const struct policy_u32list *l)
{
	size_t	 i;

	put(o, "[", 1);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			put(o, ",", 1);
		put_u64(o, l->v[i]);
	}
	put(o, "]", 1);
}

static void
put_idmap(struct out *o, const struct policy_idmap *m)
{
	size_t	 i;

	put(o, "[", 1);
	for (i = 0; i < m->n; i++) {
		put(o, i > 0 ? ",[" : "[", i > 0 ? 2 : 1);
		put_u64(o, m->v[i].src);
		put(o, ",", 1);
		put_u64(o, m->v[i].dst);
		put(o, "]", 1);
	}
	put(o, "]", 1);
}

/* A reply past what the listener accepts is refused, not built. */
static bool
too_big(struct out *o)
{
	if (o->err == 0 && o->b->len - o->start > WIRE_REPLY_TOTAL_MAX)
		o->err = E2BIG;
	return o->err != 0;
}

static void
put_rules(struct out *o, const struct policy *p)
{
	const struct policy_rule *r;

	put(o, "[", 1);
	for (r = ruleidx_first(p->rules); r != NULL && !too_big(o);
	    r = ruleidx_next(p->rules, r)) {
		puts_(o, r != ruleidx_first(p->rules) ? ",{\"act\":\"" :
		    "{\"act\":\"");
		puts_(o, policy_act_name(r->grp->act));
		puts_(o, "\",\"cap\":\"");
		puts_(o, policy_cat_name(r->grp->cat));
		puts_(o, "\",\"pat\":");
		put_str(o, r->grp->pat, r->grp->patlen);
		put(o, "}", 1);
	}
	put(o, "]", 1);
}

int
stat_json(const struct policy *p, struct buf *b)
{
	struct out o = { b, b->len, 0 };
	char	 ver[32];
	int	 i;

	snprintf(ver, sizeof(ver), "{\"api\":%d,\"version\":\"%d.%d\"",
	    IPC_API_MAJOR, IPC_API_MAJOR, IPC_API_MINOR);
	puts_(&o, ver);
	puts_(&o, ",\"lock\":\"");
	puts_(&o, policy_lock_name(p->lock));
	puts_(&o, "\",\"sandbox\":{");
	for (i = 0; i < POLICY_CAT_COUNT; i++) {
		puts_(&o, i > 0 ? ",\"" : "\"");
		puts_(&o, policy_cat_name(i));
		puts_(&o, (p->on & POLICY_CAT_BIT(i)) ? "\":true" : "\":false");
	}
	puts_(&o, "},\"default\":{");
	for (i = 0; i < POLICY_CAT_COUNT; i++) {
		puts_(&o, i > 0 ? ",\"" : "\"");
		puts_(&o, policy_cat_name(i));
		puts_(&o, "\":\"");
		puts_(&o, policy_act_name(p->def[i]));
		puts_(&o, "\"");
	}
	puts_(&o, "},\"rules\":");
	put_rules(&o, p);
	puts_(&o, ",\"ioctl\":{\"allow\":");
	put_u32list(&o, &p->ioctl_allow);
	puts_(&o, ",\"deny\":");
	put_u32list(&o, &p->ioctl_deny);
	puts_(&o, "},\"mem_max\":");
	put_u64(&o, p->mem_max);
	puts_(&o, ",\"mem_vm_max\":");
	put_u64(&o, p->mem_vm_max);
	puts_(&o, ",\"pid_max\":");
	put_u64(&o, p->pid_max);
	puts_(&o, ",\"trace\":{");
	for (i = 0; i < POLICY_TRACE_COUNT; i++) {
		puts_(&o, i > 0 ? ",\"" : "\"");
		puts_(&o, policy_trace_name(i));
		puts_(&o, (p->trace & POLICY_TRACE_BIT(i)) ? "\":true" :
		    "\":false");
	}
	puts_(&o, ",\"force_umask\":");
	if (p->force_umask == POLICY_UMASK_UNSET)
		puts_(&o, "null");
	else
		put_u64(&o, (uint64_t)p->force_umask);
	puts_(&o, "},\"setuid\":");
	put_idmap(&o, &p->setuid);
	puts_(&o, ",\"setgid\":");
	put_idmap(&o, &p->setgid);
	puts_(&o, ",\"name\":{\"host\":");
	put_optstr(&o, &p->host);
	puts_(&o, ",\"domain\":");
	put_optstr(&o, &p->domain);
	puts_(&o, "},\"root\":");
	put_optstr(&o, &p->root);
	puts_(&o, ",\"ipc\":{\"addr\":");
	put_optstr(&o, &p->ipc_addr);
	puts_(&o, ",\"uid\":");
	put_optid(&o, p->ipc_uid);
	puts_(&o, ",\"gid\":");
	put_optid(&o, p->ipc_gid);
	puts_(&o, "}}");
	if (!too_big(&o))
		return 0;
	b->len = o.start;
	return o.err;
}
