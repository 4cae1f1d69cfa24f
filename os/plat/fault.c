/*
 * Fatal signals: name the compartment that died, the signal, and for a
 * memory fault whose memory it touched, then die of the same signal so
 * that whoever waits for the image sees the real cause.
 *
 * Everything here runs in a signal handler: no stdio, no malloc, one
 * write(2) per report.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "../../gates/gate.h"
#include "plat_core.h"

#define FAULT_STACK_SIZE (64 * 1024)
#define PF_WRITE 0x2 /* x86 page-fault error code bits */
#define PF_INSN 0x10

const char *(*plat_syscall_name)(int nr);
int (*plat_heap_owner)(const void *addr);
char *gate_shared_start;
char *gate_shared_end;

static char fault_stack[FAULT_STACK_SIZE] __attribute__((aligned(16)));

static const int fault_signals[] = {SIGSEGV, SIGBUS, SIGILL,
				    SIGFPE,  SIGSYS, SIGTRAP};

void
plat_safe_puts(char *buf, size_t cap, size_t *len, const char *s)
{
	while (*s != '\0' && *len + 1 < cap)
		buf[(*len)++] = *s++;
	buf[*len] = '\0';
}

void
plat_safe_putu(char *buf, size_t cap, size_t *len, unsigned long v, int base)
{
	char digits[32];
	int n = 0;

	if (base == 16)
		plat_safe_puts(buf, cap, len, "0x");
	do {
		digits[n++] = "0123456789abcdef"[v % (unsigned)base];
		v /= (unsigned)base;
	} while (v != 0);
	while (n > 0 && *len + 1 < cap)
		buf[(*len)++] = digits[--n];
	buf[*len] = '\0';
}

const char *
plat_signal_name(int sig)
{
	switch (sig) {
	case SIGSEGV:
		return "SIGSEGV";
	case SIGBUS:
		return "SIGBUS";
	case SIGILL:
		return "SIGILL";
	case SIGFPE:
		return "SIGFPE";
	case SIGSYS:
		return "SIGSYS";
	case SIGTRAP:
		return "SIGTRAP";
	case SIGABRT:
		return "SIGABRT";
	case SIGKILL:
		return "SIGKILL";
	case SIGTERM:
		return "SIGTERM";
	case SIGINT:
		return "SIGINT";
	case SIGPIPE:
		return "SIGPIPE";
	default:
		return "a signal";
	}
}

static int
in_section(const struct gate_section *s, const void *addr)
{
	return (const char *)addr >= s->start && (const char *)addr < s->end;
}

/* Which of compartment @c's sections holds @addr, or NULL. */
static const char *
section_of(const struct gate_compartment *c, const void *addr)
{
	if (in_section(&c->text, addr))
		return "code";
	if (in_section(&c->rodata, addr))
		return "read-only data";
	if (in_section(&c->data, addr))
		return "data";
	if (in_section(&c->bss, addr))
		return "bss";
	return NULL;
}

int
gate_addr_compartment(const struct gate_image *img, const void *addr)
{
	for (int i = 0; i < img->ncompartments; i++)
		if (section_of(&img->compartments[i], addr) != NULL)
			return i;
	return plat_heap_owner ? plat_heap_owner(addr) : -1;
}

static void
report(int sig, const siginfo_t *si, const ucontext_t *uc)
{
	const struct gate_image *img = &gate_image;
	char msg[512];
	size_t n = 0;
	int self = gate_rt_current();
	int owner;

	plat_safe_puts(msg, sizeof(msg), &n, plat_image_name());
	plat_safe_puts(msg, sizeof(msg), &n, ": compartment '");
	plat_safe_puts(msg, sizeof(msg), &n,
		       self >= 0 && self < img->ncompartments
			       ? img->compartments[self].name
			       : "?");
	plat_safe_puts(msg, sizeof(msg), &n, "' stopped by ");
	plat_safe_puts(msg, sizeof(msg), &n, plat_signal_name(sig));

	if (sig == SIGSYS && si != NULL && si->si_code == 1 /* SYS_SECCOMP */) {
		const char *name = plat_syscall_name
					   ? plat_syscall_name(si->si_syscall)
					   : NULL;

		plat_safe_puts(msg, sizeof(msg), &n, ": system call ");
		if (name != NULL) {
			plat_safe_puts(msg, sizeof(msg), &n, "'");
			plat_safe_puts(msg, sizeof(msg), &n, name);
			plat_safe_puts(msg, sizeof(msg), &n, "' ");
		}
		plat_safe_puts(msg, sizeof(msg), &n, "(");
		plat_safe_putu(msg, sizeof(msg), &n,
			       (unsigned long)si->si_syscall, 10);
		plat_safe_puts(msg, sizeof(msg), &n,
			       ") is not in its allow-list");
	} else if ((sig == SIGSEGV || sig == SIGBUS) && si != NULL) {
		const char *what = "access";

		if (uc != NULL) {
			unsigned long err =
				(unsigned long)uc->uc_mcontext.gregs[REG_ERR];

			if (err & PF_INSN)
				what = "jump";
			else if (err & PF_WRITE)
				what = "write";
			else
				what = "read";
		}
		plat_safe_puts(msg, sizeof(msg), &n, ": ");
		plat_safe_puts(msg, sizeof(msg), &n, what);
		plat_safe_puts(msg, sizeof(msg), &n, " at ");
		plat_safe_putu(msg, sizeof(msg), &n, (unsigned long)si->si_addr,
			       16);
		owner = gate_addr_compartment(img, si->si_addr);
		if (owner >= 0 && owner != self) {
			plat_safe_puts(msg, sizeof(msg), &n,
				       ", in the private ");
			const char *sec = section_of(&img->compartments[owner],
						     si->si_addr);

			plat_safe_puts(msg, sizeof(msg), &n,
				       sec != NULL ? sec : "heap");
			plat_safe_puts(msg, sizeof(msg), &n,
				       " of compartment '");
			plat_safe_puts(msg, sizeof(msg), &n,
				       img->compartments[owner].name);
			plat_safe_puts(msg, sizeof(msg), &n, "'");
		} else if (owner >= 0) {
			plat_safe_puts(msg, sizeof(msg), &n,
				       ", in its own memory");
		}
	}
	plat_safe_puts(msg, sizeof(msg), &n, "\n");
	if (write(STDERR_FILENO, msg, n) < 0) {
		/* nothing left to report it with */
	}
}

void
gate_report_fault(int sig, const siginfo_t *si)
{
	report(sig, si, NULL);
}

static void
fault_handler(int sig, siginfo_t *si, void *ctx)
{
	struct sigaction dfl;

	report(sig, si, ctx);

	/* Die of the same signal: for faults the instruction runs again
	 * under the default action; the others are raised again. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	if (si->si_code <= 0 || sig == SIGSYS || sig == SIGTRAP)
		raise(sig);
}

void
plat_fault_init(void)
{
	stack_t ss = {
		.ss_sp = fault_stack,
		.ss_size = sizeof(fault_stack),
	};
	struct sigaction sa;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fault_signals) / sizeof(int); i++)
		sigaction(fault_signals[i], &sa, NULL);
}

void
gate_reject(const char *fn, const char *param)
{
	int self = gate_rt_current();

	plat_panic("compartment '%s' refused a call to '%s': its '%s' lies "
		   "outside shared memory",
		   self >= 0 && self < gate_image.ncompartments
			   ? gate_image.compartments[self].name
			   : "?",
		   fn, param);
}
