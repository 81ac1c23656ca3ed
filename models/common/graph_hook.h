/*
 * graph_hook.h - the return hook of the graph_return callbacks, shared by every arch's guest:
 * a callback replaces the saved return address of a traced call with pc_graph_return_tramp
 * (each arch's adversary.S), as the function-graph tracer does, and the hook, entered when the
 * traced function returns, gives the replaced address back.
 *
 * Host contract (explorer/checks.c): unsigned long pc_graph_hooks[PC_MAX_HARTS] counts the
 * replacements per hart, pc_graph_returns[PC_MAX_HARTS] the returns through the hook; over one
 * traced call they grow alike (graph-return), and a body entered after a replacement starts
 * with the hook as its return address (lr-at-entry).
 */
#ifndef PATCHCHECK_GRAPH_HOOK_H
#define PATCHCHECK_GRAPH_HOOK_H

/* Replace the return address at *slot (in the frame a trampoline restores the link register
 * from) with pc_graph_return_tramp, remembering it for hart. Nothing when hart is out of range
 * or its shadow stack is full. */
void pc_graph_hook(unsigned long hart, unsigned long *slot);

/* For pc_graph_return_tramp: the address the hart's latest hook replaced, popped; 0 (a fault
 * on return) when the hook runs with nothing to give back. */
unsigned long pc_graph_pop(unsigned long hart);

#endif
