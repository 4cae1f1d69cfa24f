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
	"\tleaq mpk_page(%rip), %r9\n"                                         \
	"\tmovl 116(%r9), %r10d\n"                                             \
	"\ttestl %r10d, %r10d\n"                                               \
	"\tjz 2f\n"                                                            \
	"\tvzeroall\n"                                                         \
	"\tcmpl $2, %r10d\n"                                                   \
	"\tjb 3f\n"                                                            \
	"\tvpxord %zmm16, %zmm16, %zmm16\n"                                    \
	"\tvpxord %zmm17, %zmm17, %zmm17\n"                                    \
	"\tvpxord %zmm18, %zmm18, %zmm18\n"                                    \
	"\tvpxord %zmm19, %zmm19, %zmm19\n"                                    \
	"\tvpxord %zmm20, %zmm20, %zmm20\n"                                    \
	"\tvpxord %zmm21, %zmm21, %zmm21\n"                                    \
	"\tvpxord %zmm22, %zmm22, %zmm22\n"                                    \
	"\tvpxord %zmm23, %zmm23, %zmm23\n"                                    \
	"\tvpxord %zmm24, %zmm24, %zmm24\n"                                    \
	"\tvpxord %zmm25, %zmm25, %zmm25\n"                                    \
	"\tvpxord %zmm26, %zmm26, %zmm26\n"                                    \
	"\tvpxord %zmm27, %zmm27, %zmm27\n"                                    \
	"\tvpxord %zmm28, %zmm28, %zmm28\n"                                    \
	"\tvpxord %zmm29, %zmm29, %zmm29\n"                                    \
	"\tvpxord %zmm30, %zmm30, %zmm30\n"                                    \
	"\tvpxord %zmm31, %zmm31, %zmm31\n"                                    \
	"\tkxorw %k1, %k1, %k1\n"                                              \
	"\tkxorw %k2, %k2, %k2\n"                                              \
	"\tkxorw %k3, %k3, %k3\n"                                              \
	"\tkxorw %k4, %k4, %k4\n"                                              \
	"\tkxorw %k5, %k5, %k5\n"                                              \
	"\tkxorw %k6, %k6, %k6\n"                                              \
	"\tkxorw %k7, %k7, %k7\n"                                              \
	"\tjmp 3f\n"                                                           \
	"2:\n"                                                                 \
	"\tpxor %xmm0, %xmm0\n"                                                \
	"\tpxor %xmm1, %xmm1\n"                                                \
	"\tpxor %xmm2, %xmm2\n"                                                \
	"\tpxor %xmm3, %xmm3\n"                                                \
	"\tpxor %xmm4, %xmm4\n"                                                \
	"\tpxor %xmm5, %xmm5\n"                                                \
	"\tpxor %xmm6, %xmm6\n"                                                \
	"\tpxor %xmm7, %xmm7\n"                                                \
	"\tpxor %xmm8, %xmm8\n"                                                \
	"\tpxor %xmm9, %xmm9\n"                                                \
	"\tpxor %xmm10, %xmm10\n"                                              \
	"\tpxor %xmm11, %xmm11\n"                                              \
	"\tpxor %xmm12, %xmm12\n"                                              \
	"\tpxor %xmm13, %xmm13\n"                                              \
	"\tpxor %xmm14, %xmm14\n"                                              \
	"\tpxor %xmm15, %xmm15\n"                                              \
	"3:\n"

/* The stack the violation path runs on, whatever stack it came from. */
char mpk_fail_stack[16384] __attribute__((aligned(16)));

__asm__(".text\n"
	".globl mpk_switch\n"
	".type mpk_switch, @function\n"
	".p2align 4\n"
	"mpk_switch:\n"
	/* 1. the caller's registers, on its own stack */
	"\tpushq %rbp\n"
	"\tpushq %rbx\n"
	"\tpushq %r12\n"
	"\tpushq %r13\n"
	"\tpushq %r14\n"
	"\tpushq %r15\n"
	"\tmovslq %edi, %r12\n"
	"\tmovq %rsi, %r13\n"
	/* 2. into the gate */
	"\tleaq mpk_page(%rip), %r9\n"
	"\tmovl 112(%r9), %eax\n"
	"\txorl %ecx, %ecx\n"
	"\txorl %edx, %edx\n"
	"\twrpkru\n"
	"\tleaq mpk_page(%rip), %r9\n"
	"\tcmpl 112(%r9), %eax\n"
	"\tjne .Lmpk_violation\n"
	"\tleaq mpk_gate(%rip), %r8\n"
	"\tmovq %fs:0, %rax\n"
	"\tcmpq (%r8), %rax\n"
	"\tjne .Lmpk_violation\n"
	/* 3. the function: dispatcher and compartment; the argument block */
	"\tcmpl 100(%r9), %r12d\n"
	"\tjae .Lmpk_violation\n"
	"\tmovq %r12, %rbx\n"
	"\tshlq $4, %rbx\n"
	"\taddq 104(%r9), %rbx\n"
	"\tmovq (%rbx), %r14\n"
	"\tmovl 8(%rbx), %ebx\n"
	"\tcmpl (%r9), %ebx\n"
	"\tjae .Lmpk_violation\n"
	"\ttestq %r13, %r13\n"
	"\tjz 1f\n"
	"\tcmpq 16(%r8), %r13\n"
	"\tjb .Lmpk_violation\n"
	"\tcmpq 24(%r8), %r13\n"
	"\tjae .Lmpk_violation\n"
	"1:\n"
	/* 4. a frame for the call; the callee becomes current */
	"\tmovl 12(%r8), %ecx\n"
	"\tcmpl $200, %ecx\n"
	"\tjae .Lmpk_violation\n"
	"\tmovl 8(%r8), %edx\n"
	"\tcmpl $24, %edx\n"
	"\tja .Lmpk_violation\n"
	"\tmovq %rcx, %rax\n"
	"\tshlq $4, %rax\n"
	"\tleaq 232(%r8,%rax), %rax\n"
	"\tmovl %edx, (%rax)\n"
	"\tmovq 32(%r8,%rdx,8), %r10\n"
	"\tmovq %r10, 8(%rax)\n"
	"\tincl %ecx\n"
	"\tmovl %ecx, 12(%r8)\n"
	"\tmovq %rsp, 32(%r8,%rdx,8)\n"
	"\tmovl %ebx, 8(%r8)\n"
	"\tmovq 32(%r8,%rbx,8), %r15\n"
	"\ttestq %r15, %r15\n"
	"\tjz .Lmpk_violation\n"
	/* 5. the callee's PKRU, checked, its stack, and the call */
	"\tmovl 4(%r9,%rbx,4), %eax\n"
	"\txorl %ecx, %ecx\n"
	"\txorl %edx, %edx\n"
	"\twrpkru\n"
	"\tleaq mpk_page(%rip), %r9\n"
	"\tcmpl (%r9), %ebx\n"
	"\tjae .Lmpk_violation\n"
	"\tcmpl 4(%r9,%rbx,4), %eax\n"
	"\tjne .Lmpk_violation\n"
	"\tmovl %ebx, %fs:mpk_cur@tpoff\n" MPK_CLEAR_VECTORS
	"\tmovq %r15, %rsp\n"
	"\tmovq %r13, %rdi\n"
	"\tmovq %r14, %rax\n"
	"\txorl %ebx, %ebx\n"
	"\txorl %ebp, %ebp\n"
	"\txorl %r12d, %r12d\n"
	"\txorl %r13d, %r13d\n"
	"\txorl %r14d, %r14d\n"
	"\txorl %r15d, %r15d\n"
	"\txorl %esi, %esi\n"
	"\txorl %edx, %edx\n"
	"\txorl %ecx, %ecx\n"
	"\txorl %r8d, %r8d\n"
	"\txorl %r9d, %r9d\n"
	"\txorl %r10d, %r10d\n"
	"\txorl %r11d, %r11d\n"
	"\tcld\n"
	"\tcall *%rax\n"
	/* 6. back into the gate; the frame says where to */
	"\tleaq mpk_page(%rip), %r9\n"
	"\tmovl 112(%r9), %eax\n"
	"\txorl %ecx, %ecx\n"
	"\txorl %edx, %edx\n"
	"\twrpkru\n"
	"\tleaq mpk_page(%rip), %r9\n"
	"\tcmpl 112(%r9), %eax\n"
	"\tjne .Lmpk_violation\n"
	"\tleaq mpk_gate(%rip), %r8\n"
	"\tmovq %fs:0, %rax\n"
	"\tcmpq (%r8), %rax\n"
	"\tjne .Lmpk_violation\n"
	"\tmovl 12(%r8), %ecx\n"
	"\ttestl %ecx, %ecx\n"
	"\tjz .Lmpk_violation\n"
	"\tcmpl $200, %ecx\n"
	"\tja .Lmpk_violation\n"
	"\tdecl %ecx\n"
	"\tmovl %ecx, 12(%r8)\n"
	"\tshlq $4, %rcx\n"
	"\tleaq 232(%r8,%rcx), %rax\n"
	"\tmovl (%rax), %r12d\n"
	"\tcmpl $24, %r12d\n"
	"\tja .Lmpk_violation\n"
	"\tmovq 32(%r8,%r12,8), %r11\n"
	"\tmovq 8(%rax), %r10\n"
	"\tmovq %r10, 32(%r8,%r12,8)\n"
	"\tmovl %r12d, 8(%r8)\n"
	"\tcmpl $24, %r12d\n"
	"\tje .Lmpk_to_core\n"
	"\tcmpl (%r9), %r12d\n"
	"\tjae .Lmpk_violation\n"
	"\tmovl 4(%r9,%r12,4), %eax\n"
	"\txorl %ecx, %ecx\n"
	"\txorl %edx, %edx\n"
	"\twrpkru\n"
	"\tleaq mpk_page(%rip), %r9\n"
	"\tcmpl (%r9), %r12d\n"
	"\tjae .Lmpk_violation\n"
	"\tcmpl 4(%r9,%r12,4), %eax\n"
	"\tjne .Lmpk_violation\n"
	"\tjmp .Lmpk_back\n"
	".Lmpk_to_core:\n"
	"\tmovl $0xfffffffc, %eax\n"
	"\txorl %ecx, %ecx\n"
	"\txorl %edx, %edx\n"
	"\twrpkru\n"
	"\tcmpl $0xfffffffc, %eax\n"
	"\tjne .Lmpk_violation\n"
	".Lmpk_back:\n"
	"\tmovl %r12d, %fs:mpk_cur@tpoff\n"
	"\tmovq %r11, %rsp\n"
	"\tpopq %r15\n"
	"\tpopq %r14\n"
	"\tpopq %r13\n"
	"\tpopq %r12\n"
	"\tpopq %rbx\n"
	"\tpopq %rbp\n" MPK_CLEAR_VECTORS "\txorl %eax, %eax\n"
	"\txorl %ecx, %ecx\n"
	"\txorl %edx, %edx\n"
	"\txorl %esi, %esi\n"
	"\txorl %edi, %edi\n"
	"\txorl %r8d, %r8d\n"
	"\txorl %r9d, %r9d\n"
	"\txorl %r10d, %r10d\n"
	"\txorl %r11d, %r11d\n"
	"\tcld\n"
	"\tret\n"
	/* Something the gate did not set: only key 0 from here on, a stack
	 * of the runtime's own, and a report. */
	".Lmpk_violation:\n"
	"\tmovl $0xfffffffc, %eax\n"
	"\txorl %ecx, %ecx\n"
	"\txorl %edx, %edx\n"
	"\twrpkru\n"
	"\tleaq mpk_fail_stack+16384(%rip), %rsp\n"
	"\tcall mpk_gate_violation\n"
	"\tud2\n"
	".size mpk_switch, .-mpk_switch\n");
