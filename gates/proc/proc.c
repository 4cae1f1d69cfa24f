/*
 * proc: one host process per compartment.
 *
 * The image starts as one process, which maps the shared arena and forks
 * one process per other compartment; the first keeps the compartment that
 * runs the application's entry.  Each process then removes all access to
 * every other compartment's private sections and loads its seccomp
 * allow-list, so the arena is the only memory they have in common.
 *
 * Exactly one process runs at a time: a gate posts a message to the
 * callee's inbox and waits on its own inbox, where either the reply or a
 * call into its own compartment (a nested or re-entrant call) arrives.
 * Waiting spins briefly and then sleeps on the inbox's futex word.  Since
 * control passes like a token, the arena is one LIFO stack shared by all.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../os/plat/plat_core.h"
#include "../gate.h"

#define PROC_DEFAULT_SPIN 4000 /* most iterations a wait spins */
#define PROC_MIN_SPIN 16
#define PROC_DEFAULT_YIELDS 4 /* sched_yield()s between spin and sleep */
#define PROC_MAX_SYSCALL 512

enum inbox_word {
	INBOX_EMPTY,
	INBOX_SLEEPING, /* empty, and its owner sleeps on the futex */
	INBOX_FULL,
};

enum msg_kind {
	MSG_CALL,
	MSG_RETURN,
	MSG_EXIT,
};

struct proc_inbox {
	_Atomic uint32_t word;
	uint32_t kind;
	int32_t fn;
	int32_t from;
	void *args;
} __attribute__((aligned(64)));

struct proc_shared {
	struct proc_inbox inbox[GATE_MAX_COMPARTMENTS];
	size_t top; /* of the arena; touched only by the running process */
	size_t size;
	char arena[] __attribute__((aligned(64)));
};

/* The system calls the platform and this runtime make themselves. */
static const char *const proc_core_syscalls[] = {
	"read",		  "write",	   "writev",
	"close",	  "fstat",	   "newfstatat",
	"lseek",	  "futex",	   "exit",
	"exit_group",	  "rt_sigreturn",  "rt_sigaction",
	"rt_sigprocmask", "sigaltstack",   "kill",
	"tgkill",	  "getpid",	   "gettid",
	"getppid",	  "mmap",	   "munmap",
	"mprotect",	  "mremap",	   "brk",
	"madvise",	  "clock_gettime", "clock_nanosleep",
	"nanosleep",	  "sched_yield",   "restart_syscall",
	"getrandom",	  "wait4",	   NULL,
};

static struct proc_shared *proc_sh;
static const struct gate_image *proc_img;
static int proc_self;
static int proc_spin_max = PROC_DEFAULT_SPIN;
static int proc_spin = PROC_DEFAULT_SPIN; /* the next wait's spin */
static int proc_yields = PROC_DEFAULT_YIELDS;
static pid_t proc_pids[GATE_MAX_COMPARTMENTS];
static volatile sig_atomic_t proc_stopping;
static __thread int proc_is_control; /* this thread may use gates */
static char *proc_syscall_names[PROC_MAX_SYSCALL];
static sigset_t proc_start_mask; /* the signal mask before start-up */

/* heap.c: this process allocates in compartment @c's heap window from
 * now on.  Absent from images whose AddressSanitizer brings its heap. */
void proc_heap_enter(int c) __attribute__((weak));

static long
futex(_Atomic uint32_t *word, int op, uint32_t val)
{
	return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Hand the message already written into @in to its owner. */
static void
proc_post(struct proc_inbox *in)
{
	uint32_t prev = atomic_exchange_explicit(&in->word, INBOX_FULL,
						 memory_order_acq_rel);

	if (prev == INBOX_SLEEPING)
		futex(&in->word, FUTEX_WAKE, 1);
}

/*
 * How long to spin before sleeping adapts, per process: a message that
 * arrived while spinning lets the next wait spin up to twice as long as
 * that one took; a spin that ended in sleep was wasted and halves the
 * next.  On an idle many-core host the partner answers within the spin
 * and no one sleeps; where processes outnumber free cores, spinning only
 * delays the partner that needs the core, and the spin shrinks away.
 */
static void
proc_spin_learn(int spun, int got)
{
	if (got) {
		if (2 * spun + PROC_MIN_SPIN > proc_spin)
			proc_spin = 2 * spun + PROC_MIN_SPIN;
		if (proc_spin > proc_spin_max)
			proc_spin = proc_spin_max;
		proc_yields = (int)plat_option_long("gate-yields",
						    PROC_DEFAULT_YIELDS);
	} else {
		proc_spin /= 2;
		if (proc_spin < PROC_MIN_SPIN)
			proc_spin = proc_spin_max ? PROC_MIN_SPIN : 0;
	}
}

/* Wait until this process's inbox holds a message, then take it. */
static void
proc_receive(struct proc_inbox *msg)
{
	struct proc_inbox *in = &proc_sh->inbox[proc_self];
	uint32_t w;
	int i;

	for (i = 0; i < proc_spin; i++) {
		if (atomic_load_explicit(&in->word, memory_order_acquire) ==
		    INBOX_FULL) {
			proc_spin_learn(i, 1);
			goto take;
		}
		cpu_relax();
	}
	proc_spin_learn(i, 0);

	/* The partner may be waiting for this very core: let it run. */
	for (i = 0; i < proc_yields; i++) {
		sched_yield();
		if (atomic_load_explicit(&in->word, memory_order_acquire) ==
		    INBOX_FULL)
			goto take;
	}
	for (;;) {
		w = INBOX_EMPTY;
		if (!atomic_compare_exchange_strong_explicit(
			    &in->word, &w, INBOX_SLEEPING, memory_order_acq_rel,
			    memory_order_acquire)) {
			if (w == INBOX_FULL)
				break;
		}
		futex(&in->word, FUTEX_WAIT, INBOX_SLEEPING);
		if (atomic_load_explicit(&in->word, memory_order_acquire) ==
		    INBOX_FULL)
			break;
	}
take:
	msg->kind = in->kind;
	msg->fn = in->fn;
	msg->from = in->from;
	msg->args = in->args;
	atomic_store_explicit(&in->word, INBOX_EMPTY, memory_order_release);
}

static void
proc_send(int to, enum msg_kind kind, int fn, void *args)
{
	struct proc_inbox *in = &proc_sh->inbox[to];

	in->kind = kind;
	in->fn = fn;
	in->from = proc_self;
	in->args = args;
	proc_post(in);
}

static void
proc_exit(void)
{
	fflush(NULL);
	_exit(0);
}

/*
 * A call message comes from shared memory, which every compartment may
 * write: accept only functions of this compartment, with the argument
 * block in the arena.
 */
static void
proc_check_call(const struct proc_inbox *m)
{
	if (m->fn < 0 || m->fn >= proc_img->nfunctions ||
	    proc_img->functions[m->fn].compartment != proc_self)
		plat_panic("compartment '%s' refused a call to function %d, "
			   "which it does not export",
			   proc_img->compartments[proc_self].name, m->fn);
	if (!gate_in_shared(m->args, 1))
		gate_reject(proc_img->functions[m->fn].name, "argument block");
}

/*
 * Wait for messages and serve the calls made into this compartment;
 * return when a reply arrives (@for_reply) or never.
 */
static void
proc_serve(int for_reply)
{
	struct proc_inbox m;

	for (;;) {
		proc_receive(&m);
		switch (m.kind) {
		case MSG_CALL:
			proc_check_call(&m);
			proc_img->functions[m.fn].dispatch(m.args);
			proc_send(m.from, MSG_RETURN, m.fn, NULL);
			break;
		case MSG_RETURN:
			if (for_reply)
				return;
			plat_panic("gate reply with no call waiting");
		case MSG_EXIT:
			proc_exit();
		}
	}
}

void
gate_rt_call(int callee, int fn, void *args)
{
	if (!proc_is_control)
		plat_panic("gate to '%s' from a second thread: proc gates "
			   "serve one thread of control",
			   proc_img->functions[fn].name);
	proc_send(callee, MSG_CALL, fn, args);
	proc_serve(1);
}

void *
gate_rt_frame(void)
{
	return proc_sh->arena + proc_sh->top;
}

void *
gate_rt_alloc(size_t size)
{
	size_t at = (proc_sh->top + 15) & ~(size_t)15;

	if (size > proc_sh->size || at > proc_sh->size - size)
		plat_panic("gate arena exhausted (%zu bytes shared)",
			   proc_sh->size);
	proc_sh->top = at + size;
	return proc_sh->arena + at;
}

void
gate_rt_release(void *mark)
{
	proc_sh->top = (size_t)((char *)mark - proc_sh->arena);
}

int
gate_rt_current(void)
{
	return proc_self;
}

static const char *
proc_syscall_name(int nr)
{
	if (nr < 0 || nr >= PROC_MAX_SYSCALL)
		return NULL;
	return proc_syscall_names[nr];
}

/* Remove every access to compartment @c's private sections. */
static void
proc_hide(const struct gate_compartment *c)
{
	const struct gate_section *s[] = {&c->text, &c->rodata, &c->data,
					  &c->bss};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		size_t len = (size_t)(s[i]->end - s[i]->start);

		if (len == 0)
			continue;
		if (mprotect(s[i]->start, len, PROT_NONE) != 0)
			plat_panic("cannot hide '%s' memory at %p: %s", c->name,
				   (void *)s[i]->start, strerror(errno));
	}
}

static void
proc_allow(scmp_filter_ctx ctx, const char *const *names, const char *who)
{
	for (; names != NULL && *names != NULL; names++) {
		int nr = seccomp_syscall_resolve_name(*names);

		if (nr == __NR_SCMP_ERROR) {
			plat_warn("unknown system call '%s' in the allow-list "
				  "of '%s'",
				  *names, who);
			continue;
		}
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0)
			plat_panic("cannot allow system call '%s'", *names);
	}
}

/* Load the allow-list of compartment @c: its components' calls and ours. */
static void
proc_seccomp(const struct gate_compartment *c)
{
	scmp_filter_ctx ctx;
	int rc;

	if (plat_option_long("gate-seccomp", 1) == 0) {
		plat_warn("--gate-seccomp=0: compartment '%s' runs without "
			  "its system-call allow-list",
			  c->name);
		return;
	}
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (ctx == NULL)
		plat_panic("cannot start a seccomp filter");
	proc_allow(ctx, proc_core_syscalls, "the core");
	proc_allow(ctx, c->syscalls, c->name);
	rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0)
		plat_panic("cannot load the seccomp filter of '%s': %s",
			   c->name, strerror(-rc));
}

/* Become compartment @self: hide the others, then restrict system calls. */
static void
proc_enter(int self)
{
	proc_self = self;
	proc_is_control = 1;
	plat_set_compartment_name(proc_img->compartments[self].name);
	if (proc_heap_enter != NULL)
		proc_heap_enter(self);
	for (int i = 0; i < proc_img->ncompartments; i++)
		if (i != self)
			proc_hide(&proc_img->compartments[i]);
	proc_seccomp(&proc_img->compartments[self]);
}

static int
proc_compartment_of_pid(pid_t pid)
{
	for (int i = 0; i < proc_img->ncompartments; i++)
		if (proc_pids[i] == pid)
			return i;
	return -1;
}

static void
proc_kill_all(void)
{
	for (int i = 0; i < proc_img->ncompartments; i++)
		if (proc_pids[i] > 0 && i != proc_self)
			kill(proc_pids[i], SIGKILL);
}

/*
 * In the entry process: a compartment process died while the image runs.
 * Say which and how, and take the whole image down.
 */
static void
proc_on_child(int sig)
{
	char msg[256];
	size_t n = 0;
	int status, c, code;
	pid_t pid;

	(void)sig;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (proc_stopping)
			continue;
		c = proc_compartment_of_pid(pid);
		plat_safe_puts(msg, sizeof(msg), &n, plat_image_name());
		plat_safe_puts(msg, sizeof(msg), &n, ": compartment '");
		plat_safe_puts(msg, sizeof(msg), &n,
			       c >= 0 ? proc_img->compartments[c].name : "?");
		if (WIFSIGNALED(status)) {
			plat_safe_puts(msg, sizeof(msg), &n, "' died of ");
			plat_safe_puts(msg, sizeof(msg), &n,
				       plat_signal_name(WTERMSIG(status)));
			code = 128 + WTERMSIG(status);
		} else {
			plat_safe_puts(msg, sizeof(msg), &n,
				       "' exited with status ");
			plat_safe_putu(msg, sizeof(msg), &n,
				       (unsigned long)WEXITSTATUS(status), 10);
			code = WEXITSTATUS(status) ? WEXITSTATUS(status) : 4;
		}
		plat_safe_puts(msg, sizeof(msg), &n, "; stopping the image\n");
		if (write(STDERR_FILENO, msg, n) < 0) {
			/* nowhere left to say it */
		}
		proc_kill_all();
		_exit(code);
	}
}

static void
proc_map_shared(size_t size)
{
	size_t total = sizeof(struct proc_shared) + size;
	void *p = mmap(NULL, total, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		plat_panic("cannot map %zu bytes of shared memory: %s", total,
			   strerror(errno));
	proc_sh = p;
	proc_sh->size = size;
	gate_shared_start = proc_sh->arena;
	gate_shared_end = proc_sh->arena + size;
}

static void
proc_name_syscalls(void)
{
	for (int i = 0; i < PROC_MAX_SYSCALL; i++)
		proc_syscall_names[i] =
			seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, i);
	plat_syscall_name = proc_syscall_name;
}

/* Start the process of compartment @c; it serves calls until told to
 * exit. */
static void
proc_spawn(int c, pid_t parent)
{
	pid_t pid = fork();

	if (pid < 0)
		plat_panic("cannot fork compartment '%s': %s",
			   proc_img->compartments[c].name, strerror(errno));
	if (pid > 0) {
		proc_pids[c] = pid;
		return;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, &proc_start_mask, NULL);
	proc_enter(c);
	proc_serve(0);
	_exit(0);
}

int
gate_rt_start(const struct gate_image *img)
{
	struct sigaction sa;
	sigset_t block, old;
	pid_t parent = getpid();
	int status;

	proc_img = img;
	if (img->ncompartments > GATE_MAX_COMPARTMENTS)
		plat_panic("%d compartments; proc supports %d",
			   img->ncompartments, GATE_MAX_COMPARTMENTS);
	proc_spin_max = (int)plat_option_long("gate-spin", PROC_DEFAULT_SPIN);
	proc_spin = proc_spin_max;
	proc_yields = (int)plat_option_long("gate-yields", PROC_DEFAULT_YIELDS);
	proc_map_shared(img->shared_size);
	proc_name_syscalls();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = proc_on_child;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);

	/* A compartment that dies at once is reported by name: hold its
	 * SIGCHLD until every pid is known. */
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	proc_start_mask = old;
	fflush(NULL);
	proc_pids[img->entry_compartment] = parent;
	for (int c = 0; c < img->ncompartments; c++)
		if (c != img->entry_compartment)
			proc_spawn(c, parent);
	sigprocmask(SIG_SETMASK, &old, NULL);

	proc_enter(img->entry_compartment);
	status = img->entry();

	/* Orderly exit: let every compartment flush its output. */
	fflush(NULL);
	proc_stopping = 1;
	for (int c = 0; c < img->ncompartments; c++)
		if (c != proc_self)
			proc_send(c, MSG_EXIT, -1, NULL);
	for (int c = 0; c < img->ncompartments; c++)
		if (c != proc_self)
			while (waitpid(proc_pids[c], NULL, 0) < 0 &&
			       errno == EINTR)
				;

	/* Exit here: destructors and atexit handlers registered by other
	 * compartments' code (sanitizer module destructors among them)
	 * would run into memory this process may not touch. */
	fflush(NULL);
	_exit(status & 0xff);
}
