COMP_SRCS := net.c
COMP_CFLAGS :=
COMP_LDLIBS :=
COMP_SYSCALLS := socket setsockopt bind listen getsockname accept4 connect \
	poll recvfrom sendto sendmsg close epoll_create1 epoll_ctl epoll_wait \
	getsockopt
