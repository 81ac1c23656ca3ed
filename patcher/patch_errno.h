/*
 * patch_errno.h - the error codes the guest patcher returns, negated (0 means success).
 *
 * The guest has no libc, so the values are defined here; they equal Linux's. Only #defines:
 * included by C and by assembly, in the guest and on the host.
 */
#ifndef PATCHCHECK_PATCH_ERRNO_H
#define PATCHCHECK_PATCH_ERRNO_H

#ifndef ENOMEM
#define ENOMEM 12 /* no free entry in a fixed-size table (probes, site users) */
#endif
#ifndef EFAULT
#define EFAULT 14 /* the address is not inside the image's text */
#define ENOENT 2  /* the image has no such site (a trampoline call site of a Linux tree) */
#endif
#ifndef EBUSY
#define EBUSY 16  /* the site is owned by another user */
#endif
#ifndef EINVAL
#define EINVAL 22 /* the word found is not the expected old instruction, or misaligned */
#endif
#ifndef ERANGE
#define ERANGE 34 /* the branch target is out of the branch's reach */
#endif
#ifndef EILSEQ
#define EILSEQ 84 /* the address is not on an instruction boundary of the site */
#endif

#endif
