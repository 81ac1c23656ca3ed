/*
 * graph_hook.c - the per-hart shadow stack of return addresses the graph_return callbacks
 * replace (graph_hook.h). Guest C, the same for every arch; not traced.
 */
#include "guest_abi.h"
#include "graph_hook.h"

#define PC_GRAPH_DEPTH 8

void pc_graph_return_tramp(void);

unsigned long pc_graph_hooks[PC_MAX_HARTS];
unsigned long pc_graph_returns[PC_MAX_HARTS];
static unsigned long graph_stack[PC_MAX_HARTS][PC_GRAPH_DEPTH];
static unsigned graph_depth[PC_MAX_HARTS];

void pc_graph_hook(unsigned long hart, unsigned long *slot)
{
	if (hart >= PC_MAX_HARTS || graph_depth[hart] == PC_GRAPH_DEPTH)
		return;
	graph_stack[hart][graph_depth[hart]++] = *slot;
	*slot = (unsigned long)pc_graph_return_tramp;
	pc_graph_hooks[hart]++;
}

unsigned long pc_graph_pop(unsigned long hart)
{
	if (hart >= PC_MAX_HARTS || graph_depth[hart] == 0)
		return 0;
	pc_graph_returns[hart]++;
	return graph_stack[hart][--graph_depth[hart]];
}
