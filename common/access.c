/* Access levels; see access.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/access.h"
#include "common/decimal.h"
#include "common/limits.h"

static int
ids_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort and keep each id once. */
static void
ids_sort(struct access_ids *s)
{
	size_t	 i, n = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), ids_cmp);
	for (i = 0; i < s->n; i++)
		if (n == 0 || s->v[n - 1] != s->v[i])
			s->v[n++] = s->v[i];
	s->n = n;
}

int
access_ids_parse(const char *s, size_t max, struct access_ids *out)
{
	const char	*comma;
	uint64_t	 v;
	size_t		 len, n = 1;

	out->v = NULL;
	out->n = 0;
	for (comma = s; (comma = strchr(comma, ',')) != NULL; comma++)
		n++;
	if (n > max)
		return -1;
	if ((out->v = calloc(n, sizeof(*out->v))) == NULL)
		return -1;
	for (;;) {
		comma = strchr(s, ',');
		len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		if (decimal_parse(s, len, 0, OPT_ID_MAX, &v) == -1) {
			access_ids_free(out);
			return -1;
		}
		out->v[out->n++] = (uint32_t)v;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	ids_sort(out);
	return 0;
}

int
access_ids_add(struct access_ids *s, uint32_t id)
{
	uint32_t *v;

	if (access_ids_has(s, id))
		return 0;
	if ((v = reallocarray(s->v, s->n + 1, sizeof(*v))) == NULL)
		return -1;
	s->v = v;
	s->v[s->n++] = id;
	ids_sort(s);
	return 0;
}

bool
access_ids_has(const struct access_ids *s, uint32_t id)
{
	return s->n > 0 &&
	    bsearch(&id, s->v, s->n, sizeof(*s->v), ids_cmp) != NULL;
}

char *
access_ids_format(const struct access_ids *s)
{
	char	*out, *p;
	size_t	 i;

	/* Ten digits and a comma each, and the NUL. */
	if ((out = malloc(s->n * 11 + 1)) == NULL)
		return NULL;
	p = out;
	*p = '\0';
	for (i = 0; i < s->n; i++)
		p += snprintf(p, 12, "%s%u", i > 0 ? "," : "", s->v[i]);
	return out;
}

void
access_ids_free(struct access_ids *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static bool
rule_matches(const struct access_rule *r, uint32_t uid, uint32_t gid)
{
	if (!r->on)
		return false;
	if (!r->any_uid && !access_ids_has(&r->uids, uid))
		return false;
	if (r->check_gid && !access_ids_has(&r->gids, gid) &&
	    !access_ids_has(&r->members, uid))
		return false;
	return true;
}

enum access_level
access_of(const struct access *a, uint32_t uid, uint32_t gid)
{
	/* Root always passes, as in Syd: it could change the policy anyway. */
	if ((uid == 0 && gid == 0) || rule_matches(&a->admin, uid, gid))
		return ACCESS_ADMIN;
	if (rule_matches(&a->read, uid, gid))
		return ACCESS_READ;
	return ACCESS_NONE;
}

const char *
access_level_name(enum access_level l)
{
	return l == ACCESS_ADMIN ? "admin" : l == ACCESS_READ ? "read" :
	    "none";
}

static void
rule_free(struct access_rule *r)
{
	access_ids_free(&r->uids);
	access_ids_free(&r->gids);
	access_ids_free(&r->members);
}

void
access_free(struct access *a)
{
	rule_free(&a->admin);
	rule_free(&a->read);
}
