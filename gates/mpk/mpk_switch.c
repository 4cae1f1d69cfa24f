/*
 * The mpk gate switch, in assembly because it changes the stack and must
 * control every register.
 *
 * mpk_switch(fn, args), on the caller's stack and PKRU:
 *  1. push the callee-saved registers on the caller's stack;
 *  2. enter the gate: write the gate's PKRU value (key 0 and the gate key
 *     alone, so the caller's own memory is out of reach too) and check
 *     it; check that this is the thread gates serve;
 *  3. look the function up in the read-only gate table: its dispatcher
 *     and the compartment it runs in (so a caller can pick neither);
 *     check that the argument block lies in the gate arena;
 *  4. in the gate's state: push a frame (caller, its stack top), record
 *     the caller's stack top, make the callee current;
 *  5. write the callee's PKRU value from the table and check it, move to
 *     the callee's stack, clear every register but the argument, call the
 *     dispatcher;
 *  6. on return, enter the gate again, pop the frame (it names the
 *     caller: nothing on the callee's side does), restore the caller's
 *     stack top, write and check the caller's PKRU value, go back to the
 *     caller's stack, restore its callee-saved registers from there (the
 *     callee could not write them) and clear every other register.
 *
 * Vector registers are cleared both ways too (memcpy leaves the bytes it
 * copied in them): xmm0-15, or with AVX all of ymm0-15, and with AVX-512
 * also zmm16-31 and the opmask registers, as start-up found the CPU.
 *
 * Every PKRU write is checked right after it, against the value the table
 * gives for the index in a register: a jump straight to a wrpkru with a
 * value of its own stops there.  A jump to the gate's own wrpkru with the
 * gate's value gets key 0 and the gate key but loses its own key, and
 * what follows is the gate's code, which decides from the gate's state
 * alone where to go.  A return to the core (the entry call of
 * gate_rt_start) gets key 0 alone.  The direction flag is cleared both
 * ways, as the ABI expects.
 */
#include <stddef.h>

#include "mpk.h"

_Static_assert(offsetof(struct mpk_table, ncomp) == 0, "ncomp at 0");
_Static_assert(offsetof(struct mpk_table, pkru) == 4, "pkru at 4");
_Static_assert(offsetof(struct mpk_table, nfns) == 100, "nfns at 100");
_Static_assert(offsetof(struct mpk_table, fns) == 104, "fns at 104");
_Static_assert(offsetof(struct mpk_table, pkru_gate) == 112, "gate at 112");
_Static_assert(offsetof(struct mpk_table, vec) == 116, "vec at 116");
_Static_assert(MPK_VEC_SSE == 0 && MPK_VEC_AVX == 1 && MPK_VEC_AVX512 == 2,
	       "the switch hard-codes them");
_Static_assert(sizeof(struct mpk_fn) == 16, "function entries of 16");
_Static_assert(offsetof(struct mpk_fn, comp) == 8, "comp at 8");
_Static_assert(offsetof(struct mpk_gate, fs) == 0, "fs at 0");
_Static_assert(offsetof(struct mpk_gate, cur) == 8, "cur at 8");
_Static_assert(offsetof(struct mpk_gate, depth) == 12, "depth at 12");
_Static_assert(offsetof(struct mpk_gate, arena_lo) == 16, "arena at 16");
_Static_assert(offsetof(struct mpk_gate, arena_hi) == 24, "arena at 24");
_Static_assert(offsetof(struct mpk_gate, sp) == 32, "sp at 32");
_Static_assert(offsetof(struct mpk_gate, frames) == 232, "frames at 232");
_Static_assert(sizeof(struct mpk_frame) == 16, "frames of 16");
_Static_assert(MPK_MAX_DEPTH == 200, "the switch hard-codes the depth");
_Static_assert(MPK_CORE == 24, "the switch hard-codes MPK_CORE");
_Static_assert(MPK_PKRU_KEY0 == 0xfffffffcu, "the switch hard-codes it");
_Static_assert(sizeof(struct mpk_gate) <= 4096, "the gate state fits");
_Static_assert(sizeof(struct mpk_table) <= 4096, "the gate table fits");

#define MPK_CLEAR_VECTORS                                                      \
	"	leaq mpk_page(%rip), %r9\n"                                          \
	"	movl 116(%r9), %r10d\n"                                              \
	"	testl %r10d, %r10d\n"                                                \
	"	jz 2f\n"                                                             \
	"	vzeroall\n"                                                          \
	"	cmpl $2, %r10d\n"                                                    \
	"	jb 3f\n"                                                             \
	"	vpxord %zmm16, %zmm16, %zmm16\n"                                     \
	"	vpxord %zmm17, %zmm17, %zmm17\n"                                     \
	"	vpxord %zmm18, %zmm18, %zmm18\n"                                     \
	"	vpxord %zmm19, %zmm19, %zmm19\n"                                     \
	"	vpxord %zmm20, %zmm20, %zmm20\n"                                     \
	"	vpxord %zmm21, %zmm21, %zmm21\n"                                     \
	"	vpxord %zmm22, %zmm22, %zmm22\n"                                     \
	"	vpxord %zmm23, %zmm23, %zmm23\n"                                     \
	"	vpxord %zmm24, %zmm24, %zmm24\n"                                     \
	"	vpxord %zmm25, %zmm25, %zmm25\n"                                     \
	"	vpxord %zmm26, %zmm26, %zmm26\n"                                     \
	"	vpxord %zmm27, %zmm27, %zmm27\n"                                     \
	"	vpxord %zmm28, %zmm28, %zmm28\n"                                     \
	"	vpxord %zmm29, %zmm29, %zmm29\n"                                     \
	"	vpxord %zmm30, %zmm30, %zmm30\n"                                     \
	"	vpxord %zmm31, %zmm31, %zmm31\n"                                     \
	"	kxorw %k1, %k1, %k1\n"                                               \
	"	kxorw %k2, %k2, %k2\n"                                               \
	"	kxorw %k3, %k3, %k3\n"                                               \
	"	kxorw %k4, %k4, %k4\n"                                               \
	"	kxorw %k5, %k5, %k5\n"                                               \
	"	kxorw %k6, %k6, %k6\n"                                               \
	"	kxorw %k7, %k7, %k7\n"                                               \
	"	jmp 3f\n"                                                            \
	"2:\n"                                                                 \
	"	pxor %xmm0, %xmm0\n"                                                 \
	"	pxor %xmm1, %xmm1\n"                                                 \
	"	pxor %xmm2, %xmm2\n"                                                 \
	"	pxor %xmm3, %xmm3\n"                                                 \
	"	pxor %xmm4, %xmm4\n"                                                 \
	"	pxor %xmm5, %xmm5\n"                                                 \
	"	pxor %xmm6, %xmm6\n"                                                 \
	"	pxor %xmm7, %xmm7\n"                                                 \
	"	pxor %xmm8, %xmm8\n"                                                 \
	"	pxor %xmm9, %xmm9\n"                                                 \
	"	pxor %xmm10, %xmm10\n"                                               \
	"	pxor %xmm11, %xmm11\n"                                               \
	"	pxor %xmm12, %xmm12\n"                                               \
	"	pxor %xmm13, %xmm13\n"                                               \
	"	pxor %xmm14, %xmm14\n"                                               \
	"	pxor %xmm15, %xmm15\n"                                               \
	"3:\n"

/* The stack the violation path runs on, whatever stack it came from. */
char mpk_fail_stack[16384] __attribute__((aligned(16)));

__asm__(".text\n"
	".globl mpk_switch\n"
	".type mpk_switch, @function\n"
	".p2align 4\n"
	"mpk_switch:\n"
	/* 1. the caller's registers, on its own stack */
	"	pushq %rbp\n"
	"	pushq %rbx\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movslq %edi, %r12\n"
	"	movq %rsi, %r13\n"
	/* 2. into the gate */
	"	leaq mpk_page(%rip), %r9\n"
	"	movl 112(%r9), %eax\n"
	"	xorl %ecx, %ecx\n"
	"	xorl %edx, %edx\n"
	"	wrpkru\n"
	"	leaq mpk_page(%rip), %r9\n"
	"	cmpl 112(%r9), %eax\n"
	"	jne .Lmpk_violation\n"
	"	leaq mpk_gate(%rip), %r8\n"
	"	movq %fs:0, %rax\n"
	"	cmpq (%r8), %rax\n"
	"	jne .Lmpk_violation\n"
	/* 3. the function: dispatcher and compartment; the argument block */
	"	cmpl 100(%r9), %r12d\n"
	"	jae .Lmpk_violation\n"
	"	movq %r12, %rbx\n"
	"	shlq $4, %rbx\n"
	"	addq 104(%r9), %rbx\n"
	"	movq (%rbx), %r14\n"
	"	movl 8(%rbx), %ebx\n"
	"	cmpl (%r9), %ebx\n"
	"	jae .Lmpk_violation\n"
	"	testq %r13, %r13\n"
	"	jz 1f\n"
	"	cmpq 16(%r8), %r13\n"
	"	jb .Lmpk_violation\n"
	"	cmpq 24(%r8), %r13\n"
	"	jae .Lmpk_violation\n"
	"1:\n"
	/* 4. a frame for the call; the callee becomes current */
	"	movl 12(%r8), %ecx\n"
	"	cmpl $200, %ecx\n"
	"	jae .Lmpk_violation\n"
	"	movl 8(%r8), %edx\n"
	"	cmpl $24, %edx\n"
	"	ja .Lmpk_violation\n"
	"	movq %rcx, %rax\n"
	"	shlq $4, %rax\n"
	"	leaq 232(%r8,%rax), %rax\n"
	"	movl %edx, (%rax)\n"
	"	movq 32(%r8,%rdx,8), %r10\n"
	"	movq %r10, 8(%rax)\n"
	"	incl %ecx\n"
	"	movl %ecx, 12(%r8)\n"
	"	movq %rsp, 32(%r8,%rdx,8)\n"
	"	movl %ebx, 8(%r8)\n"
	"	movq 32(%r8,%rbx,8), %r15\n"
	"	testq %r15, %r15\n"
	"	jz .Lmpk_violation\n"
	/* 5. the callee's PKRU, checked, its stack, and the call */
	"	movl 4(%r9,%rbx,4), %eax\n"
	"	xorl %ecx, %ecx\n"
	"	xorl %edx, %edx\n"
	"	wrpkru\n"
	"	leaq mpk_page(%rip), %r9\n"
	"	cmpl (%r9), %ebx\n"
	"	jae .Lmpk_violation\n"
	"	cmpl 4(%r9,%rbx,4), %eax\n"
	"	jne .Lmpk_violation\n"
	"	movl %ebx, %fs:mpk_cur@tpoff\n" MPK_CLEAR_VECTORS
	"	movq %r15, %rsp\n"
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
	/* 6. back into the gate; the frame says where to */
	"	leaq mpk_page(%rip), %r9\n"
	"	movl 112(%r9), %eax\n"
	"	xorl %ecx, %ecx\n"
	"	xorl %edx, %edx\n"
	"	wrpkru\n"
	"	leaq mpk_page(%rip), %r9\n"
	"	cmpl 112(%r9), %eax\n"
	"	jne .Lmpk_violation\n"
	"	leaq mpk_gate(%rip), %r8\n"
	"	movq %fs:0, %rax\n"
	"	cmpq (%r8), %rax\n"
	"	jne .Lmpk_violation\n"
	"	movl 12(%r8), %ecx\n"
	"	testl %ecx, %ecx\n"
	"	jz .Lmpk_violation\n"
	"	cmpl $200, %ecx\n"
	"	ja .Lmpk_violation\n"
	"	decl %ecx\n"
	"	movl %ecx, 12(%r8)\n"
	"	shlq $4, %rcx\n"
	"	leaq 232(%r8,%rcx), %rax\n"
	"	movl (%rax), %r12d\n"
	"	cmpl $24, %r12d\n"
	"	ja .Lmpk_violation\n"
	"	movq 32(%r8,%r12,8), %r11\n"
	"	movq 8(%rax), %r10\n"
	"	movq %r10, 32(%r8,%r12,8)\n"
	"	movl %r12d, 8(%r8)\n"
	"	cmpl $24, %r12d\n"
	"	je .Lmpk_to_core\n"
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
	"	jmp .Lmpk_back\n"
	".Lmpk_to_core:\n"
	"	movl $0xfffffffc, %eax\n"
	"	xorl %ecx, %ecx\n"
	"	xorl %edx, %edx\n"
	"	wrpkru\n"
	"	cmpl $0xfffffffc, %eax\n"
	"	jne .Lmpk_violation\n"
	".Lmpk_back:\n"
	"	movl %r12d, %fs:mpk_cur@tpoff\n"
	"	movq %r11, %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbx\n"
	"	popq %rbp\n" MPK_CLEAR_VECTORS "	xorl %eax, %eax\n"
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
