/*
 * Access levels at start; see levels.h.  getpwnam(3) and getgrnam(3)
 * read the databases once, before any confinement: membership is what it
 * was when privconfd started (docs/protocol.md 9).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/decimal.h"
#include "common/limits.h"
#include "daemon/levels.h"

static int
levels_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* One item of a list: a number, or a name of the right database. */
static int
levels_id(const char *item, size_t len, bool group, uint32_t *out)
{
	struct passwd	*pw;
	struct group	*gr;
	uint64_t	 v;
	char		 name[64];

	if (decimal_parse(item, len, 0, OPT_ID_MAX, &v) == 0) {
		*out = (uint32_t)v;
		return 0;
	}
	if (len >= sizeof(name))
		return -1;
	memcpy(name, item, len);
	name[len] = '\0';
	if (group) {
		if ((gr = getgrnam(name)) == NULL)
			return -1;
		*out = (uint32_t)gr->gr_gid;
	} else {
		if ((pw = getpwnam(name)) == NULL)
			return -1;
		*out = (uint32_t)pw->pw_uid;
	}
	return 0;
}

static int
levels_list(const char *opt, const char *text, bool group,
    struct access_ids *out, char *err, size_t errlen)
{
	const char	*item = text, *comma;
	size_t		 len;
	uint32_t	 id;

	for (;;) {
		comma = strchr(item, ',');
		len = comma != NULL ? (size_t)(comma - item) : strlen(item);
		if (levels_id(item, len, group, &id) == -1)
			return levels_fail(err, errlen, "%s: %.*s: no such %s",
			    opt, (int)len, item, group ? "group" : "user");
		if (access_ids_add(out, id) == -1)
			return levels_fail(err, errlen, "%s: out of memory",
			    opt);
		if (comma == NULL)
			return 0;
		item = comma + 1;
	}
}

/* The uids the group database lists as members of each gid. */
static int
levels_members(const char *opt, const struct access_ids *gids,
    struct access_ids *out, char *err, size_t errlen)
{
	struct group	*gr;
	struct passwd	*pw;
	size_t		 i;
	char		**m;

	for (i = 0; i < gids->n; i++) {
		if ((gr = getgrgid((gid_t)gids->v[i])) == NULL)
			continue;
		for (m = gr->gr_mem; m != NULL && *m != NULL; m++) {
			/* A member the user database lacks can never connect. */
			if ((pw = getpwnam(*m)) == NULL)
				continue;
			if (access_ids_add(out, (uint32_t)pw->pw_uid) == -1)
				return levels_fail(err, errlen, "%s: out of "
				    "memory", opt);
			if (out->n > ACCESS_MEMBERS_MAX)
				return levels_fail(err, errlen, "%s: more than "
				    "%d members: name the uids instead", opt,
				    ACCESS_MEMBERS_MAX);
		}
	}
	return 0;
}

static int
levels_rule(const char *uopt, const struct contract_ids *uid,
    const char *gopt, const struct contract_ids *gid, struct access_rule *r,
    char *err, size_t errlen)
{
	r->on = uid->kind != CONTRACT_ID_UNSET || gid->kind != CONTRACT_ID_UNSET;
	r->any_uid = uid->kind != CONTRACT_ID_NUM;
	r->check_gid = gid->kind == CONTRACT_ID_NUM;
	if (uid->kind == CONTRACT_ID_NUM && levels_list(uopt, uid->text,
	    false, &r->uids, err, errlen) == -1)
		return -1;
	if (gid->kind == CONTRACT_ID_NUM && (levels_list(gopt, gid->text,
	    true, &r->gids, err, errlen) == -1 || levels_members(gopt,
	    &r->gids, &r->members, err, errlen) == -1))
		return -1;
	return 0;
}

int
levels_resolve(const struct levels_in *in, struct access *acc, char *err,
    size_t errlen)
{
	struct contract_ids uid = in->ipc_uid;
	char		 me[16];

	memset(acc, 0, sizeof(*acc));
	/*
	 * docs/protocol.md 2.3: with neither an admin uid nor gid the admin
	 * is the starter; with only a gid, any uid of it.
	 */
	if (uid.kind == CONTRACT_ID_UNSET && in->ipc_gid.kind !=
	    CONTRACT_ID_NUM) {
		snprintf(me, sizeof(me), "%u", (unsigned)in->starter);
		uid = (struct contract_ids){ CONTRACT_ID_NUM, me };
	}
	if (levels_rule("--ipc-uid", &uid, "--ipc-gid", &in->ipc_gid,
	    &acc->admin, err, errlen) == -1 || levels_rule("--read-uid",
	    &in->read_uid, "--read-gid", &in->read_gid, &acc->read, err,
	    errlen) == -1) {
		access_free(acc);
		return -1;
	}
	acc->admin.on = true;
	return 0;
}

/* A list for the children: "any"/"none", or the numbers. */
static int
levels_ids(bool any, bool on, const struct access_ids *ids,
    struct contract_ids *out)
{
	char	*text;

	if (!on) {
		*out = (struct contract_ids){ CONTRACT_ID_UNSET, NULL };
		return 0;
	}
	if (any) {
		*out = (struct contract_ids){ CONTRACT_ID_ANY, NULL };
		return 0;
	}
	if ((text = access_ids_format(ids)) == NULL)
		return -1;
	*out = (struct contract_ids){ CONTRACT_ID_NUM, text };
	return 0;
}

int
levels_contract(const struct access *acc, struct contract_args *c)
{
	const struct access_rule *a = &acc->admin, *r = &acc->read;

	/* The admin lists are always given: "any" and "none" say so. */
	if (levels_ids(a->any_uid, true, &a->uids, &c->ipc_uid) == -1 ||
	    levels_ids(!a->check_gid, true, &a->gids, &c->ipc_gid) == -1 ||
	    levels_ids(false, a->members.n > 0, &a->members,
	    &c->ipc_members) == -1 ||
	    levels_ids(r->any_uid, r->on && (r->any_uid ? !r->check_gid :
	    true), &r->uids, &c->read_uid) == -1 ||
	    levels_ids(false, r->on && r->check_gid, &r->gids,
	    &c->read_gid) == -1 ||
	    levels_ids(false, r->members.n > 0, &r->members,
	    &c->read_members) == -1)
		return -1;
	return 0;
}

/*
 * Who must be able to open the socket file for one level: everyone, one
 * uid (the owner), one gid (the group), or more than one of those.
 */
enum need { NEED_NONE, NEED_UID, NEED_GID, NEED_ALL };

static enum need
levels_need(const struct access_rule *r, uint32_t *id)
{
	if (!r->on)
		return NEED_NONE;
	/* To pass, a client's uid must be listed: one uid owns the file. */
	if (!r->any_uid && r->uids.n == 1) {
		*id = r->uids.v[0];
		return NEED_UID;
	}
	/* Or be in one group: its primary gid or a member, both in group. */
	if (r->check_gid && r->gids.n == 1) {
		*id = r->gids.v[0];
		return NEED_GID;
	}
	return NEED_ALL;
}

void
levels_socket(const struct access *acc, struct levels_sock *out)
{
	const struct access_rule *rules[2] = { &acc->admin, &acc->read };
	uint32_t	 id;
	size_t		 i;
	bool		 all = false;

	*out = (struct levels_sock){ (uid_t)-1, (gid_t)-1, 0600 };
	for (i = 0; i < 2; i++) {
		switch (levels_need(rules[i], &id)) {
		case NEED_NONE:
			break;
		case NEED_UID:
			if (out->uid != (uid_t)-1 && out->uid != (uid_t)id)
				all = true;
			out->uid = (uid_t)id;
			break;
		case NEED_GID:
			if (out->gid != (gid_t)-1 && out->gid != (gid_t)id)
				all = true;
			out->gid = (gid_t)id;
			out->mode = 0660;
			break;
		case NEED_ALL:
			all = true;
			break;
		}
	}
	/* The listener's check decides; the mode only keeps out the hopeless. */
	if (all)
		*out = (struct levels_sock){ (uid_t)-1, (gid_t)-1, 0666 };
}
