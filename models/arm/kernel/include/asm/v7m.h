/*
 * asm/v7m.h (patchcheck's kernel compatibility layer, arm) - empty: entry-header.S, which the
 * tree's entry-ftrace.S includes, includes it for macros that the ftrace code never expands.
 */
