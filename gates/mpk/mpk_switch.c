/*
 * The mpk gate switch, in assembly because it changes the stack and must
 * control every register.
 *
 * mpk_switch(fn, args), on the caller's stack and PKRU:
 *  1. push the callee-saved registers, the caller's previous stack top and
 *     its index; record the new top as the caller's (a call back into the
 *     caller stacks below this frame);
 *  2. look the function up in the read-only gate table: its dispatcher
 *     and the compartment it runs in (so a caller cannot pick either);
 *  3. write the callee's PKRU value from the table, then check the index
 *     and the value in eax against the table again: a jump straight to
 *     the wrpkru with a value of its own stops there;
 *  4. move to the callee's stack, push the two indexes, clear every
 *     register but the argument, call the dispatcher;
 *  5. on return, write the caller's PKRU value (checked the same way),
 *     go back to the caller's stack, check that its frame names the
 *     caller, restore the callee-saved registers from it (the callee
 *     could not write them there) and clear the others.
 * The direction flag is cleared both ways, as the ABI expects.
 *
 * A return to the core (the entry call of gate_rt_start) keeps the
 * entry compartment's PKRU: no gate ever writes the all-access value, so
 * there is none a gadget could reuse.
 *
 * Thread-local variables are reached as %fs:sym@tpoff (the local-exec
 * model): the runtime is always linked into the image's executable.
 */
#include <stddef.h>

#include "mpk.h"

_Static_assert(offsetof(struct mpk_table, ncomp) == 0, "ncomp at 0");
_Static_assert(offsetof(struct mpk_table, pkru) == 4, "pkru at 4");
_Static_assert(offsetof(struct mpk_table, nfns) == 100, "nfns at 100");
_Static_assert(offsetof(struct mpk_table, fns) == 104, "fns at 104");
_Static_assert(sizeof(struct mpk_fn) == 16, "function entries of 16");
_Static_assert(offsetof(struct mpk_fn, comp) == 8, "comp at 8");
_Static_assert(MPK_CORE == 24, "the switch hard-codes MPK_CORE");

/* The stack the violation path runs on, whatever stack it came from. */
char mpk_fail_stack[16384] __attribute__((aligned(16)));

__asm__(".text\n"
	".globl mpk_switch\n"
	".type mpk_switch, @function\n"
	".p2align 4\n"
	"mpk_switch:\n"
	/* 1. the caller's frame */
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movslq %fs:mpk_cur@tpoff, %r12\n"
	"	cmpq $24, %r12\n"
	"	ja .Lmpk_violation\n"
	"	movq %fs:0, %r8\n"
	"	leaq mpk_sp@tpoff(%r8), %r8\n"
	"	pushq (%r8,%r12,8)\n"
	"	pushq %r12\n"
	"	movq %rsp, (%r8,%r12,8)\n"
	"	movq %rsi, %r13\n"
	/* 2. the function's entry: its dispatcher and compartment */
	"	leaq mpk_page(%rip), %r9\n"
	"	movslq %edi, %rbx\n"
	"	cmpl 100(%r9), %ebx\n"
	"	jae .Lmpk_violation\n"
	"	shlq $4, %rbx\n"
	"	addq 104(%r9), %rbx\n"
	"	movq (%rbx), %r14\n"
	"	movl 8(%rbx), %ebx\n"
	/* 3. the callee's PKRU, checked after it is written */
	"	cmpl (%r9), %ebx\n"
	"	jae .Lmpk_violation\n"
	"	movq (%r8,%rbx,8), %r15\n"
	"	movl 4(%r9,%rbx,4), %eax\n"
	"	xorl %ecx, %ecx\n"
	"	xorl %edx, %edx\n"
	"	wrpkru\n"
	"	leaq mpk_page(%rip), %r9\n"
	"	cmpl (%r9), %ebx\n"
	"	jae .Lmpk_violation\n"
	"	cmpl 4(%r9,%rbx,4), %eax\n"
	"	jne .Lmpk_violation\n"
	"	testq %r15, %r15\n"
	"	jz .Lmpk_violation\n"
	"	movl %ebx, %fs:mpk_cur@tpoff\n"
	/* 4. the callee's stack; nothing of the caller's goes along */
	"	movq %r15, %rsp\n"
	"	pushq %r12\n"
	"	pushq %rbx\n"
	"	movq %r13, %rdi\n"
	"	movq %r14, %rax\n"
	"	xorl %ebx, %ebx\n"
	"	xorl %ebp, %ebp\n"
	"	xorl %r12d, %r12d\n"
	"	xorl %r13d, %r13d\n"
	"	xorl %r14d, %r14d\n"
	"	xorl %r15d, %r15d\n"
	"	xorl %esi, %esi\n"
	"	xorl %edx, %edx\n"
	"	xorl %ecx, %ecx\n"
	"	xorl %r8d, %r8d\n"
	"	xorl %r9d, %r9d\n"
	"	xorl %r10d, %r10d\n"
	"	xorl %r11d, %r11d\n"
	"	cld\n"
	"	call *%rax\n"
	/* 5. back: the caller's PKRU, stack and registers */
	"	popq %rbx\n"
	"	popq %r12\n"
	"	cmpl %ebx, %fs:mpk_cur@tpoff\n"
	"	jne .Lmpk_violation\n"
	"	cmpq $24, %r12\n"
	"	je .Lmpk_to_core\n"
	"	leaq mpk_page(%rip), %r9\n"
	"	cmpl (%r9), %r12d\n"
	"	jae .Lmpk_violation\n"
	"	movl 4(%r9,%r12,4), %eax\n"
	"	xorl %ecx, %ecx\n"
	"	xorl %edx, %edx\n"
	"	wrpkru\n"
	"	leaq mpk_page(%rip), %r9\n"
	"	cmpl (%r9), %r12d\n"
	"	jae .Lmpk_violation\n"
	"	cmpl 4(%r9,%r12,4), %eax\n"
	"	jne .Lmpk_violation\n"
	".Lmpk_to_core:\n"
	"	movl %r12d, %fs:mpk_cur@tpoff\n"
	"	movq %fs:0, %r8\n"
	"	leaq mpk_sp@tpoff(%r8), %r8\n"
	"	movq (%r8,%r12,8), %rsp\n"
	"	popq %rcx\n"
	"	cmpq %rcx, %r12\n"
	"	jne .Lmpk_violation\n"
	"	popq (%r8,%r12,8)\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n"
	"	xorl %eax, %eax\n"
	"	xorl %ecx, %ecx\n"
	"	xorl %edx, %edx\n"
	"	xorl %esi, %esi\n"
	"	xorl %edi, %edi\n"
	"	xorl %r8d, %r8d\n"
	"	xorl %r9d, %r9d\n"
	"	xorl %r10d, %r10d\n"
	"	xorl %r11d, %r11d\n"
	"	cld\n"
	"	ret\n"
	/* Something the gate did not set: only key 0 from here on, a stack
	 * of the runtime's own, and a report. */
	".Lmpk_violation:\n"
	"	movl $0xfffffffc, %eax\n"
	"	xorl %ecx, %ecx\n"
	"	xorl %edx, %edx\n"
	"	wrpkru\n"
	"	leaq mpk_fail_stack+16384(%rip), %rsp\n"
	"	call mpk_gate_violation\n"
	"	ud2\n"
	".size mpk_switch, .-mpk_switch\n");
