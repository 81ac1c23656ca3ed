/*
 * call_ops.h - the "ftrace_ops" guest image: arm64 ftrace with CALL_OPS and DIRECT_CALLS on
 * top of DYNAMIC_FTRACE_WITH_ARGS, as the kernel's arm64 ftrace does them.
 *
 * Site (-fpatchable-function-entry=4,2, functions 8-byte aligned):
 *
 *     func-8   8-byte literal: the struct ftrace_ops * this site calls (&ftrace_nop_ops at init)
 *     func+0   NOP -> mov x9, x30            once, by ftrace_ops_init_nop
 *     func+4   NOP <-> BL ftrace_caller_ops, or BL <direct trampoline>
 *     func+8   body
 *
 * ftrace_caller_ops finds the literal from its return address (x30 = func+8: bic #7, then
 * -16) and calls ops->func(ip, parent_ip, ops, fregs) with a struct ftrace_regs; an ops with a
 * direct_call goes straight there, and a callback may set fregs->direct_tramp to be branched
 * to after all callbacks. A direct trampoline is entered with x30 = func+8 (its return into the
 * body), x9 = the parent LR and the traced function's SP, and must end with LR = x9 and a
 * branch to the old x30.
 *
 * The site's users are tracked per function (ftrace_sites): one IPMODIFY user and one direct
 * user at most; one user makes the literal that ops, several make it &ftrace_list_ops.
 */
#ifndef PATCHCHECK_ARM64_CALL_OPS_H
#define PATCHCHECK_ARM64_CALL_OPS_H

/* struct ftrace_regs (8-byte fields) */
#define FREGS_X(n)          ((n) * 8)     /* x0..x8 */
#define FREGS_DIRECT_TRAMP  72
#define FREGS_FP            80
#define FREGS_LR            88
#define FREGS_SP            96
#define FREGS_PC            104
#define FREGS_SIZE          112           /* a multiple of 16 */
/* ftrace_caller_ops reserves FREGS_SIZE + 32: the fregs, its own frame record at +112 and the
 * call-site frame record {x29, parent LR} at +128. */
#define CALLER_OPS_FRAME    (FREGS_SIZE + 32)

/* struct ftrace_ops */
#define OPS_FUNC            0
#define OPS_FLAGS           8
#define OPS_DIRECT_CALL     16
#define OPS_PRIVATE         24

#define FTRACE_OPS_FL_IPMODIFY 0x1  /* the callback may change fregs->pc */
#define FTRACE_OPS_FL_DIRECT   0x2  /* direct_call is a direct trampoline */

#define FTRACE_SITE_MAX_USERS 4
#define FTRACE_SITES          8

#ifndef __ASSEMBLER__

#define traced  __attribute__((noinline, used, section(".text.traced")))
#define notrace __attribute__((noinline, used, patchable_function_entry(0, 0)))

struct ftrace_regs {
	unsigned long regs[9];      /* x0..x8 */
	unsigned long direct_tramp; /* set by a callback: branch there after the callbacks */
	unsigned long fp, lr, sp, pc;
};

struct ftrace_ops;
typedef void (*ftrace_ops_func_t)(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op, struct ftrace_regs *fregs);

struct ftrace_ops {
	ftrace_ops_func_t func;
	unsigned long flags;
	unsigned long direct_call; /* FTRACE_OPS_FL_DIRECT: the direct trampoline */
	unsigned long private;     /* for the callback (lp_redirect: the new function) */
};

_Static_assert(__builtin_offsetof(struct ftrace_regs, direct_tramp) == FREGS_DIRECT_TRAMP, "");
_Static_assert(__builtin_offsetof(struct ftrace_regs, fp) == FREGS_FP, "");
_Static_assert(__builtin_offsetof(struct ftrace_regs, lr) == FREGS_LR, "");
_Static_assert(__builtin_offsetof(struct ftrace_regs, sp) == FREGS_SP, "");
_Static_assert(__builtin_offsetof(struct ftrace_regs, pc) == FREGS_PC, "");
_Static_assert(sizeof(struct ftrace_regs) == FREGS_SIZE, "");
_Static_assert(__builtin_offsetof(struct ftrace_ops, direct_call) == OPS_DIRECT_CALL, "");
_Static_assert(__builtin_offsetof(struct ftrace_ops, private) == OPS_PRIVATE, "");

/* The users of one function's site, and what its BL calls now (0: the site is a NOP). */
struct ftrace_site {
	unsigned long func;
	unsigned long nusers;
	struct ftrace_ops *users[FTRACE_SITE_MAX_USERS];
	unsigned long target;
};

/* ---- call_ops_callbacks.c ---- */
extern const struct ftrace_ops ftrace_nop_ops;  /* func = ftrace_ops_stub */
extern struct ftrace_ops ftrace_list_ops;       /* func = ftrace_ops_list_func */
extern struct ftrace_ops trace_ops, trace_ops2; /* func = record_fregs */
extern struct ftrace_ops lp_ops, lp_ops2;       /* IPMODIFY, func = lp_redirect -> patched_add3 */
extern struct ftrace_ops direct_ops;            /* DIRECT, direct_call = direct_tramp */
extern struct ftrace_ops direct_ops_c;          /* DIRECT, direct_call = direct_tramp_c (flawed) */
extern struct ftrace_site ftrace_sites[FTRACE_SITES];

void ftrace_ops_stub(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
		     struct ftrace_regs *fregs);
void ftrace_ops_list_func(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
			  struct ftrace_regs *fregs);
void record_fregs(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
		  struct ftrace_regs *fregs);
void lp_redirect(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
		 struct ftrace_regs *fregs);
void call_direct_funcs(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
		       struct ftrace_regs *fregs);
/* The site users of func, or NULL. */
struct ftrace_site *ftrace_site_find(unsigned long func);
/* Called by direct_tramp: counts calls per hart; direct_hits() reads this hart's count. */
void direct_record(unsigned long ip, unsigned long parent_ip);
long direct_hits(void);
/* FLAWED direct trampoline: an ordinary C function, returns with "ret" to x30 = func+8. */
void direct_tramp_c(void);

/* ---- call_ops_entry.S ---- */
void ftrace_caller_ops(void);
void direct_tramp(void);

/* ---- traced.c (shared with the ftrace image) ---- */
long traced_add3(long a, long b, long c);
long patched_add3(long a, long b, long c);

/* ---- ../patcher/call_ops_arm64.c ---- */
int ftrace_ops_init_nop(unsigned long func);
int ftrace_ops_make_call(unsigned long func, unsigned long ops, unsigned long tramp);
int ftrace_ops_make_nop(unsigned long func, unsigned long tramp);
int ftrace_ops_modify_call(unsigned long func, unsigned long ops, unsigned long old_tramp,
			   unsigned long new_tramp);
int ftrace_ops_make_call_split(unsigned long func, unsigned long ops, unsigned long tramp);
int ftrace_ops_make_nop_split(unsigned long func, unsigned long tramp);
int ftrace_ops_make_call_bl_first(unsigned long func, unsigned long ops, unsigned long tramp);
int ftrace_ops_register(unsigned long ops, unsigned long func);
int ftrace_ops_unregister(unsigned long ops, unsigned long func);

#endif /* __ASSEMBLER__ */
#endif
