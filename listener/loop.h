/*
 * The listener's one epoll loop: the listening socket, the worker link
 * and every client; the timers of docs/protocol.md 8 run off epoll_wait's
 * timeout.  No threads.
 */
#ifndef PRIVCONF_LISTENER_LOOP_H
#define PRIVCONF_LISTENER_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "listener/conn.h"
#include "listener/link.h"
#include "listener/uidcount.h"
#include "common/contract.h"

/* After EMFILE with no client to wait for, try accept again this late. */
#define LOOP_ACCEPT_RETRY_MS	1000
/* Connections taken per pass, so one flood cannot starve the others. */
#define LOOP_ACCEPT_BATCH	64
#define LOOP_EVENTS		256

struct loop {
	int			 epfd;
	int			 lfd;
	struct conn_cfg		 cfg;
	struct conn_ctx		 ctx;
	struct link		 link;
	struct conn_list	 conns;
	struct conn_list	 graveyard;	/* freed after the pass */
	size_t			 nconns;
	unsigned long		 max_conn;
	unsigned long		 max_per_uid;
	struct uidcount		 peruid;	/* connections of each uid */
	unsigned long		 fd_reserve;
	uint64_t		 nofile;	/* UINT64_MAX: no limit */
	size_t			 nfds_base;	/* open fds but clients */
	bool			 listen_on;	/* EPOLLIN armed on lfd */
	bool			 accept_blocked;	/* after EMFILE */
	uint64_t		 accept_retry;
	uint32_t		 link_events;
	bool			 link_was_full;	/* for the log only */
	/* Their addresses tell epoll events of lfd and link apart. */
	char			 tag_listen;
	char			 tag_link;
};

/* Set up around the fds privconfd passed (fatal on failure). */
struct loop *loop_new(const struct contract_args *, int link_fd,
	    int listen_fd);
/* The epoll fd exists before confinement: its seccomp rules name it. */
int	loop_epoll_fd(const struct loop *);
/* Serve until the worker's WIRE_F_FATAL; returns 0 then. */
int	loop_run(struct loop *);
/* After loop_run: free what is left (the link's state, the loop). */
void	loop_free(struct loop *);
/* Close c now, without further bytes; idempotent. */
void	loop_close(struct loop *, struct conn *, const char *why);
/* A new connection's first read; loop_arm adds it to epoll if needed. */
void	loop_read_new(struct loop *, struct conn *);

/* listener/accept.c */
void	accept_clients(struct loop *);
/* Arm or disarm the listening socket for the limits of section 8. */
void	accept_update(struct loop *);

#endif
