/*
 * Protection-key faults.  The platform's fault report names a victim
 * compartment only by its sections; under mpk a fault also carries the
 * key of the memory touched (si_pkey), which names the victim for its
 * heap and stacks too.  This handler reports SEGV_PKUERR faults itself,
 * in the platform's format, and passes every other fault to the
 * platform's handler.
 *
 * It runs on the platform's alternate stack (key 0): the kernel runs
 * signal handlers with only key 0 allowed, so a handler on a
 * compartment's stack could not even push a frame.
 */
#include <signal.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "../../os/plat/plat_core.h"
#include "mpk.h"

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif
#define PF_WRITE 0x2
#define PF_INSN 0x10

static struct sigaction mpk_prev_segv;

static int
mpk_in(const struct gate_section *s, const char *a)
{
	return a >= s->start && a < s->end;
}

/* What part of compartment @c holds @a. */
static const char *
mpk_region(int comp, const char *a)
{
	const struct gate_compartment *c = &mpk_page.t.img->compartments[comp];

	if (mpk_in(&c->text, a))
		return "code";
	if (mpk_in(&c->rodata, a))
		return "read-only data";
	if (mpk_in(&c->data, a))
		return "data";
	if (mpk_in(&c->bss, a))
		return "bss";
	if ((uintptr_t)a >= mpk_stack_lo[comp] &&
	    (uintptr_t)a - mpk_stack_lo[comp] < MPK_STACK_SIZE + 4096)
		return "stack";
	/* The rest on its key: its heap, and blocks too big for it that
	 * got a mapping of their own. */
	return "heap";
}

static void
mpk_report(int sig, const siginfo_t *si, const ucontext_t *uc)
{
	const struct mpk_table *t = &mpk_page.t;
	unsigned long err = (unsigned long)uc->uc_mcontext.gregs[REG_ERR];
	const char *a = si->si_addr;
	int self = gate_rt_current();
	int owner = -1;
	char msg[512];
	size_t n = 0;

	for (uint32_t i = 0; i < t->ncomp; i++)
		if (t->key[i] == (int)si->si_pkey)
			owner = (int)i;

	plat_safe_puts(msg, sizeof(msg), &n, plat_image_name());
	plat_safe_puts(msg, sizeof(msg), &n, ": compartment '");
	plat_safe_puts(msg, sizeof(msg), &n,
		       self >= 0 ? t->img->compartments[self].name : "?");
	plat_safe_puts(msg, sizeof(msg), &n, "' stopped by ");
	plat_safe_puts(msg, sizeof(msg), &n, plat_signal_name(sig));
	plat_safe_puts(msg, sizeof(msg), &n, ": ");
	plat_safe_puts(msg, sizeof(msg), &n,
		       err & PF_INSN	? "jump"
		       : err & PF_WRITE ? "write"
					: "read");
	plat_safe_puts(msg, sizeof(msg), &n, " at ");
	plat_safe_putu(msg, sizeof(msg), &n, (unsigned long)a, 16);
	if (owner >= 0) {
		plat_safe_puts(msg, sizeof(msg), &n, ", in the private ");
		plat_safe_puts(msg, sizeof(msg), &n, mpk_region(owner, a));
		plat_safe_puts(msg, sizeof(msg), &n, " of compartment '");
		plat_safe_puts(msg, sizeof(msg), &n,
			       t->img->compartments[owner].name);
		plat_safe_puts(msg, sizeof(msg), &n, "'");
	} else if (si->si_pkey == (unsigned)t->shared_key) {
		plat_safe_puts(msg, sizeof(msg), &n, ", in the gate arena");
	} else if (si->si_pkey == (unsigned)t->gate_key) {
		plat_safe_puts(msg, sizeof(msg), &n,
			       ", in the gate's own state");
	}
	plat_safe_puts(msg, sizeof(msg), &n, " (protection key ");
	plat_safe_putu(msg, sizeof(msg), &n, si->si_pkey, 10);
	plat_safe_puts(msg, sizeof(msg), &n, ")\n");
	if (write(STDERR_FILENO, msg, n) < 0) {
		/* nothing left to report it with */
	}
}

static void
mpk_segv(int sig, siginfo_t *si, void *ctx)
{
	struct sigaction dfl;

	if (si->si_code != SEGV_PKUERR) {
		if (mpk_prev_segv.sa_flags & SA_SIGINFO)
			mpk_prev_segv.sa_sigaction(sig, si, ctx);
		else if (mpk_prev_segv.sa_handler != SIG_DFL &&
			 mpk_prev_segv.sa_handler != SIG_IGN)
			mpk_prev_segv.sa_handler(sig);
		else
			sigaction(sig, &mpk_prev_segv, NULL);
		return;
	}
	mpk_report(sig, si, ctx);

	/* Returning runs the access again under the default action. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
}

void
mpk_fault_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = mpk_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &mpk_prev_segv);
}
