/*
 * Completion of command words for the -i shell: the first word of the
 * command language (sandbox/, allow/, stat, lock:, ...), then the
 * category after sandbox/, default/ or an action, the option after
 * trace/, the state after lock:.  The words come from the worker's own
 * tables (worker/names.c), so a new category completes with no change
 * here.
 */
#ifndef PRIVCONF_CLIENT_COMPLETE_H
#define PRIVCONF_CLIENT_COMPLETE_H

#include <stddef.h>

#define COMPLETE_MAX	64

struct complete {
	size_t		 stem;	/* line bytes before the word */
	/* Whole words; each starts with line[stem..len). */
	const char	*word[COMPLETE_MAX];
	size_t		 n;
};

/* The words that could finish line[0..len) (the line up to the cursor). */
void	complete_word(const char *line, size_t len, struct complete *);
/* How many bytes every word of c has in common. */
size_t	complete_common(const struct complete *);

#endif
