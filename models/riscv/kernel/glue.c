/*
 * glue.c - what a Linux tree's riscv trampolines call that the kernel's C code would provide,
 * for an image that runs them (built with the image's flags beside the tree's files). The
 * callback, function_trace_op and the ftrace_ops come from the image's runtime (callbacks.c);
 * ftrace_stub and return_to_handler come from the tree's own mcount.S.
 *
 * ftrace_return_to_handler(frame_pointer): return_to_handler (mcount.S) asks it for the return
 * address a function-graph tracer replaced. No scenario enables the graph call sites
 * (ftrace_graph_call, ftrace_graph_regs_call stay `call ftrace_stub`), so nothing reaches it;
 * it returns 0, and a pass that did reach it would fault at 0 and be reported as a guest fault.
 */
unsigned long ftrace_return_to_handler(unsigned long frame_pointer);

unsigned long ftrace_return_to_handler(unsigned long frame_pointer)
{
	(void)frame_pointer;
	return 0;
}
