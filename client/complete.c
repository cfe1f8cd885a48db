/* The completion of complete.h: the line up to the cursor is one word. */
#include <stdio.h>
#include <string.h>

#include "client/complete.h"
#include "worker/policy-ops.h"

/* First words other than the actions, which come from names.c. */
static const char *const first[] = {
	"sandbox/", "default/", "trace/", "mem/max:", "mem/vm_max:",
	"pid/max:", "ioctl/allow+", "ioctl/deny+", "setuid+", "setgid+",
	"name/host:", "name/domain:", "root:", "ipc:", "ipc/uid:",
	"ipc/gid:", "lock:", "reset", "stat", "stats", "check/", "ping",
	"pink", "version", "quit", "exit",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* "allow/", "warn/", ...: the actions as first words. */
static const char *
action_word(int i)
{
	static char	 words[POLICY_ACT_COUNT][32];

	if (words[i][0] == '\0')
		snprintf(words[i], sizeof(words[i]), "%s/",
		    policy_act_name((enum policy_act)i));
	return words[i];
}

static void
add(struct complete *c, const char *typed, size_t len, const char *w)
{
	if (w != NULL && strncmp(w, typed, len) == 0 && c->n < COMPLETE_MAX)
		c->word[c->n++] = w;
}

/* line starts with prefix, and what follows holds no operator yet. */
static size_t
section(const char *line, size_t len, const char *prefix)
{
	size_t	 n = strlen(prefix), i;

	if (len < n || memcmp(line, prefix, n) != 0)
		return 0;
	for (i = n; i < len; i++)
		if (memchr(":?+-^ \t", line[i], 7) != NULL)
			return 0;
	return n;
}

/* After sandbox/, default/ or an action: a category. */
static size_t
category_stem(const char *line, size_t len)
{
	size_t	 n;
	int	 i;

	if ((n = section(line, len, "sandbox/")) != 0 ||
	    (n = section(line, len, "default/")) != 0)
		return n;
	for (i = 0; i < POLICY_ACT_COUNT; i++)
		if ((n = section(line, len, action_word(i))) != 0)
			return n;
	return 0;
}

void
complete_word(const char *line, size_t len, struct complete *c)
{
	const char	*typed;
	size_t		 i, tl;

	c->n = 0;
	if ((c->stem = category_stem(line, len)) != 0) {
		typed = line + c->stem;
		tl = len - c->stem;
		for (i = 0; i < POLICY_CAT_COUNT; i++)
			add(c, typed, tl, policy_cat_name((enum policy_cat)i));
		return;
	}
	if ((c->stem = section(line, len, "trace/")) != 0) {
		for (i = 0; i < POLICY_TRACE_COUNT; i++)
			add(c, line + c->stem, len - c->stem,
			    policy_trace_name((enum policy_trace)i));
		return;
	}
	if (len >= 5 && memcmp(line, "lock:", 5) == 0) {
		c->stem = 5;
		for (i = 0; i < POLICY_LOCK_COUNT; i++)
			add(c, line + 5, len - 5,
			    policy_lock_name((enum policy_lock)i));
		return;
	}
	c->stem = 0;
	for (i = 0; i < POLICY_ACT_COUNT; i++)
		add(c, line, len, action_word((int)i));
	for (i = 0; i < NELEM(first); i++)
		add(c, line, len, first[i]);
}

size_t
complete_common(const struct complete *c)
{
	size_t	 n, i;

	if (c->n == 0)
		return 0;
	n = strlen(c->word[0]);
	for (i = 1; i < c->n; i++)
		while (n > 0 && strncmp(c->word[0], c->word[i], n) != 0)
			n--;
	return n;
}
