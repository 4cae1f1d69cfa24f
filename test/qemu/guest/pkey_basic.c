/*
 * Do protection keys work on this (possibly emulated) CPU?  Allocates a
 * key, tags a page with it, then checks that the PKRU register grants and
 * denies access as it says: a denied read or write raises SIGSEGV with
 * si_code SEGV_PKUERR naming the key, an allowed one succeeds.
 *
 * Prints one line per check ("ok ..." / "FAIL ...") and exits 0 when all
 * pass, 1 when one fails, 77 when the kernel or CPU has no protection keys.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_code;
static volatile sig_atomic_t fault_pkey;
static volatile uintptr_t fault_addr;
static int failures;

static void
on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_code = si->si_code;
	fault_addr = (uintptr_t)si->si_addr;
#ifdef si_pkey
	fault_pkey = si->si_pkey;
#else
	fault_pkey = -1;
#endif
	siglongjmp(fault_jmp, 1);
}

static void
check(int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	if (!cond)
		failures++;
}

/* Touch *p (read or write); return 1 when it faulted. */
static int
touch(volatile char *p, int write)
{
	fault_code = 0;
	fault_pkey = -1;
	if (sigsetjmp(fault_jmp, 1))
		return 1;
	if (write)
		*p = 42;
	else
		(void)*p;
	return 0;
}

int
main(void)
{
	struct sigaction sa;
	long page = sysconf(_SC_PAGESIZE);
	char *mem;
	int key;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);

	key = pkey_alloc(0, 0);
	if (key < 0) {
		printf("no protection keys: pkey_alloc: %s\n", strerror(errno));
		return 77;
	}
	check(key > 0, "pkey_alloc returns a key other than 0");

	mem = mmap(NULL, page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(mem != MAP_FAILED, "mmap a page");
	check(pkey_mprotect(mem, page, PROT_READ | PROT_WRITE, key) == 0,
	      "pkey_mprotect tags the page with the key");

	/* Access allowed: read and write succeed. */
	check(pkey_set(key, 0) == 0, "pkey_set grants access");
	check(!touch(mem, 1) && mem[0] == 42, "write with access granted");

	/* Access disabled: read and write both fault with SEGV_PKUERR. */
	pkey_set(key, PKEY_DISABLE_ACCESS);
	check(pkey_get(key) == PKEY_DISABLE_ACCESS, "pkey_get reads it back");
	check(touch(mem, 0), "read with access disabled faults");
	pkey_set(key, 0);
	check(fault_code == SEGV_PKUERR, "si_code is SEGV_PKUERR");
	check(fault_addr == (uintptr_t)mem, "si_addr is the page");
	check(fault_pkey == -1 || fault_pkey == key, "si_pkey is the key");
	pkey_set(key, PKEY_DISABLE_ACCESS);
	check(touch(mem, 1), "write with access disabled faults");
	pkey_set(key, 0);
	check(fault_code == SEGV_PKUERR, "si_code is SEGV_PKUERR");

	/* Write disabled: read succeeds, write faults. */
	pkey_set(key, PKEY_DISABLE_WRITE);
	check(!touch(mem, 0), "read with write disabled succeeds");
	check(touch(mem, 1), "write with write disabled faults");
	pkey_set(key, 0);
	check(fault_code == SEGV_PKUERR && mem[0] == 42,
	      "the denied write changed nothing");

	/* Key 0 memory is untouched by the other key's rights. */
	pkey_set(key, PKEY_DISABLE_ACCESS);
	check(!touch((volatile char *)&failures, 0), "key 0 memory readable");
	pkey_set(key, 0);

	check(pkey_free(key) == 0, "pkey_free");
	printf("%d failed\n", failures);
	return failures ? 1 : 0;
}
