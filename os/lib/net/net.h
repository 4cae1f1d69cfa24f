/*
 * net: the socket layer of the bundled OS, over the host's sockets.
 *
 * Sockets are named by small integers that only net interprets; callers
 * pass them back and never use them with the host directly.  Every
 * socket net hands out is non-blocking.  Errors are negative errno values
 * (-EAGAIN when nothing can be done without waiting).
 *
 * An event loop registers interest with net_watch() and collects ready
 * sockets with net_wait(); interest is level-triggered.
 */
#ifndef NET_H
#define NET_H

#include <stddef.h>
#include <sys/types.h>

/* Event bits for net_watch() and struct net_event. */
#define NET_READ 0x1  /* data (or a connection) can be received */
#define NET_WRITE 0x2 /* sending would not block */
#define NET_HUP 0x4   /* the peer hung up or the socket failed */

/* One ready socket, as filled in by net_wait(). */
struct net_event {
	int fd;
	int events; /* NET_* bits */
};

/**
 * Listen on @host (dotted IPv4, "" or NULL for 127.0.0.1) and TCP @port
 * (0: the host picks one; see net_local_port()).  Returns the listening
 * socket or a negative errno.
 */
int net_listen(const char *host, int port);

/** The local TCP port of socket @fd, or a negative errno. */
int net_local_port(int fd);

/**
 * Accept one pending connection on listening socket @fd.  Returns the new
 * socket (non-blocking, Nagle off), -EAGAIN when none is pending, or
 * another negative errno.
 */
int net_accept(int fd);

/**
 * Open a TCP connection to @host:@port and wait until it is established.
 * Returns the socket (non-blocking) or a negative errno.
 */
int net_connect(const char *host, int port);

/**
 * Receive up to @len bytes into @buf.  Returns the byte count, 0 when the
 * peer closed its side, -EAGAIN when nothing is there, or a negative
 * errno.
 */
ssize_t net_recv(int fd, void *buf, size_t len);

/** Send up to @len bytes; returns the count sent, -EAGAIN or -errno. */
ssize_t net_send(int fd, const void *buf, size_t len);

/**
 * Send @a then @b in one host call (a header and a body, say).  Returns
 * the count sent from both together, -EAGAIN or -errno.
 */
ssize_t net_send2(int fd, const void *a, size_t alen, const void *b,
		  size_t blen);

/**
 * Set the events net_wait() reports for @fd to @events (NET_READ,
 * NET_WRITE or both; 0 stops watching it).  NET_HUP is always reported.
 * Returns 0 or a negative errno.
 */
int net_watch(int fd, int events);

/**
 * Wait up to @timeout_ms (-1: forever, 0: do not wait) for watched
 * sockets to become ready and fill in at most @max events.  Returns the
 * number filled in (0 on timeout) or a negative errno.
 */
int net_wait(struct net_event *ev, int max, int timeout_ms);

/** Close @fd (it stops being watched).  Returns 0 or a negative errno. */
int net_close(int fd);

#endif /* NET_H */
