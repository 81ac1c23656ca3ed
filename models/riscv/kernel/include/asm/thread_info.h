/* asm/thread_info.h (patchcheck's kernel compatibility layer, riscv64) - nothing in it is used by the
 * trampolines patchcheck assembles; it exists because they include it. */
