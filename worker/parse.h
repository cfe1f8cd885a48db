/*
 * The lexical pieces shared by the command parsers: category lists,
 * numbers, sizes, ids and pattern kinds.  Every function reads exactly
 * s[0..len), needs no NUL, and returns 0 or EINVAL without writing its
 * output on failure.
 */
#ifndef PRIVCONF_PARSE_H
#define PRIVCONF_PARSE_H

#include <stddef.h>
#include <stdint.h>

struct cmd;

/*
 * A category list of docs/commands.md section 2 into c->cats and c->catv:
 * names, "net" and "all", comma-separated, no empty element.  catv keeps
 * list order with aliases expanded in place; a repeated category keeps
 * its first place ("duplicates are allowed and harmless").
 */
int	parse_cats(const char *s, size_t len, struct cmd *c);
/* Decimal digits only, no sign, no blank; an overflow of 64 bits fails. */
int	parse_u64(const char *s, size_t len, uint64_t *v);
/* docs/commands.md 3.4: decimal and an optional binary suffix. */
int	parse_size(const char *s, size_t len, uint64_t *v);
/* A uid or gid: decimal, 0 to POLICY_ID_MAX. */
int	parse_id(const char *s, size_t len, uint32_t *v);
/*
 * The kind of pattern (enum policy_pat) category cat takes for s, by its
 * first byte (docs/commands.md 3.3): a rule's pattern and a decision's
 * target (3.10) alike.  -1: none (a special category, or a path
 * category and no '/').  Whether s is well-formed is the caller's part.
 */
int	parse_pat_kind(int cat, const char *s, size_t len);

#endif
