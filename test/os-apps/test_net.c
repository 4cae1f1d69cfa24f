/*
 * Unit tests of net over loopback: listen on a free port, connect,
 * accept, exchange bytes both ways (one and two buffers), wait for
 * readiness, see a hang-up, and the errors of bad arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../os/lib/net/net.c"

/* Wait until @fd is reported with one of @events; the events seen. */
static int
wait_for(int fd, int events)
{
	struct net_event ev[8];
	int i, n, tries;

	for (tries = 0; tries < 50; tries++) {
		n = net_wait(ev, 8, 100);
		assert_true(n >= 0);
		for (i = 0; i < n; i++)
			if (ev[i].fd == fd && (ev[i].events & events))
				return ev[i].events;
	}
	return 0;
}

static void
test_roundtrip(void **state)
{
	char buf[64];
	int lfd, cfd, sfd, port;

	(void)state;
	lfd = net_listen("127.0.0.1", 0);
	assert_true(lfd >= 0);
	port = net_local_port(lfd);
	assert_true(port > 0);
	assert_int_equal(net_accept(lfd), -EAGAIN);
	assert_int_equal(net_watch(lfd, NET_READ), 0);

	cfd = net_connect("127.0.0.1", port);
	assert_true(cfd >= 0);
	assert_true(wait_for(lfd, NET_READ) & NET_READ);
	sfd = net_accept(lfd);
	assert_true(sfd >= 0);

	/* Nothing to read yet, then data once it was sent. */
	assert_int_equal(net_recv(sfd, buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(net_watch(sfd, NET_READ), 0);
	assert_int_equal(net_send(cfd, "ping", 4), 4);
	assert_true(wait_for(sfd, NET_READ) & NET_READ);
	assert_int_equal(net_recv(sfd, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "ping", 4);

	/* Two buffers, one call. */
	assert_int_equal(net_send2(sfd, "hea", 3, "der", 3), 6);
	assert_int_equal(net_watch(cfd, NET_READ), 0);
	assert_true(wait_for(cfd, NET_READ) & NET_READ);
	assert_int_equal(net_recv(cfd, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "header", 6);

	/* A writable socket is reported when asked for. */
	assert_int_equal(net_watch(sfd, NET_WRITE), 0);
	assert_true(wait_for(sfd, NET_WRITE) & NET_WRITE);

	/* The peer closes: a read event, then end of stream. */
	assert_int_equal(net_watch(sfd, NET_READ), 0);
	assert_int_equal(net_close(cfd), 0);
	assert_true(wait_for(sfd, NET_READ | NET_HUP) != 0);
	assert_int_equal(net_recv(sfd, buf, sizeof(buf)), 0);

	assert_int_equal(net_close(sfd), 0);
	assert_int_equal(net_close(lfd), 0);
}

static void
test_errors(void **state)
{
	struct net_event ev;
	char buf[4];

	(void)state;
	assert_int_equal(net_listen("not-an-address", 0), -EINVAL);
	assert_int_equal(net_listen("127.0.0.1", 70000), -EINVAL);
	assert_int_equal(net_close(-1), -EBADF);
	assert_int_equal(net_watch(-1, NET_READ), -EBADF);
	assert_true(net_recv(9999, buf, sizeof(buf)) < 0);
	assert_int_equal(net_wait(&ev, 0, 0), -EINVAL);
	assert_int_equal(net_wait(&ev, 1, 0), 0);
}

static void
test_refused(void **state)
{
	int lfd, port;

	(void)state;

	/* A port that was just free: nobody listens there any more. */
	lfd = net_listen(NULL, 0);
	assert_true(lfd >= 0);
	port = net_local_port(lfd);
	net_close(lfd);
	assert_int_equal(net_connect("127.0.0.1", port), -ECONNREFUSED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
