/*
 * net over the host's sockets: one epoll instance for every watched
 * socket, created on first use, and a table of the interest last set per
 * socket so that net_watch() knows whether to add or to modify.
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int net_epfd = -1;
static unsigned char *net_interest; /* NET_* bits, indexed by socket */
static size_t net_ninterest;

static int
net_addr(const char *host, int port, struct sockaddr_in *sa)
{
	if (port < 0 || port > 65535)
		return -EINVAL;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)port);
	if (host == NULL || host[0] == '\0')
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -EINVAL;
	return 0;
}

int
net_listen(const char *host, int port)
{
	struct sockaddr_in sa;
	int fd, one = 1, rc;

	rc = net_addr(host, port, &sa);
	if (rc < 0)
		return rc;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 1024) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

int
net_local_port(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return -errno;
	return ntohs(sa.sin_port);
}

int
net_accept(int fd)
{
	int c, one = 1;

	c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return c;
}

int
net_connect(const char *host, int port)
{
	struct sockaddr_in sa;
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, rc, err = 0, one = 1;

	rc = net_addr(host, port, &sa);
	if (rc < 0)
		return rc;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINPROGRESS) {
			rc = -errno;
			goto err_close;
		}

		/* Wait for the handshake, then ask how it went. */
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 10000) != 1) {
			rc = -ETIMEDOUT;
			goto err_close;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 ||
		    err != 0) {
			rc = err ? -err : -errno;
			goto err_close;
		}
	}
	return fd;

err_close:
	close(fd);
	return rc;
}

ssize_t
net_recv(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

ssize_t
net_send(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

ssize_t
net_send2(int fd, const void *a, size_t alen, const void *b, size_t blen)
{
	struct iovec iov[2];
	struct msghdr msg;
	ssize_t n;

	iov[0].iov_base = (void *)a;
	iov[0].iov_len = alen;
	iov[1].iov_base = (void *)b;
	iov[1].iov_len = blen;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

static int
net_epoll(void)
{
	if (net_epfd < 0) {
		net_epfd = epoll_create1(EPOLL_CLOEXEC);
		if (net_epfd < 0)
			return -errno;
	}
	return net_epfd;
}

/* Make room in the interest table for socket @fd. */
static int
net_interest_grow(int fd)
{
	size_t n = net_ninterest ? net_ninterest : 64;
	unsigned char *p;

	while (n <= (size_t)fd)
		n *= 2;
	p = realloc(net_interest, n);
	if (p == NULL)
		return -ENOMEM;
	memset(p + net_ninterest, 0, n - net_ninterest);
	net_interest = p;
	net_ninterest = n;
	return 0;
}

int
net_watch(int fd, int events)
{
	struct epoll_event ev;
	int ep, op, old, rc;

	ep = net_epoll();
	if (ep < 0)
		return ep;
	if (fd < 0)
		return -EBADF;
	if ((size_t)fd >= net_ninterest && (rc = net_interest_grow(fd)) < 0)
		return rc;

	events &= NET_READ | NET_WRITE;
	old = net_interest[fd];
	if (old == events)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.data.fd = fd;
	ev.events = (events & NET_READ ? EPOLLIN | EPOLLRDHUP : 0) |
		    (events & NET_WRITE ? EPOLLOUT : 0);
	if (events == 0)
		op = EPOLL_CTL_DEL;
	else
		op = old ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (epoll_ctl(ep, op, fd, &ev) < 0)
		return -errno;
	net_interest[fd] = (unsigned char)events;
	return 0;
}

int
net_wait(struct net_event *ev, int max, int timeout_ms)
{
	struct epoll_event eev[256];
	int ep, n, i;

	ep = net_epoll();
	if (ep < 0)
		return ep;
	if (max <= 0)
		return -EINVAL;
	if (max > (int)(sizeof(eev) / sizeof(eev[0])))
		max = sizeof(eev) / sizeof(eev[0]);
	do
		n = epoll_wait(ep, eev, max, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		uint32_t e = eev[i].events;

		ev[i].fd = eev[i].data.fd;
		ev[i].events =
			(e & EPOLLIN ? NET_READ : 0) |
			(e & EPOLLOUT ? NET_WRITE : 0) |
			(e & (EPOLLHUP | EPOLLERR | EPOLLRDHUP) ? NET_HUP : 0);
	}
	return n;
}

int
net_close(int fd)
{
	if (fd < 0)
		return -EBADF;

	/* Closing removes the socket from epoll; forget its interest too. */
	if ((size_t)fd < net_ninterest)
		net_interest[fd] = 0;
	if (close(fd) < 0)
		return -errno;
	return 0;
}
