/* The fixed errno table of docs/protocol.md section 5 (Rust nix's wording). */
#ifndef PRIVCONF_ERRTAB_H
#define PRIVCONF_ERRTAB_H

#include "common/buf.h"

/* "EPERM: Operation not permitted"; NULL when err is not in the table. */
const char	*errtab_text(int err);
/* "EPERM"; NULL when err is not in the table. */
const char	*errtab_name(int err);
/*
 * Append a client reply: {"err":0,"msg":"ACK"}\n for 0, else
 * {"err":N,"msg":"NAME: text"}\n.  An errno outside the table is
 * reported as EINVAL.
 */
int		 errtab_reply(struct buf *, int err);
/* The same reply as constant bytes, and their length. */
const char	*errtab_reply_text(int err, size_t *len);

#endif
