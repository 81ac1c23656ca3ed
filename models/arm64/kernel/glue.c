/*
 * glue.c - what a Linux tree's arm64 trampolines call that the kernel's C code would provide,
 * for an image that runs them (built with the image's flags beside the tree's files). The
 * callback, function_trace_op and ftrace_stub come from the image's runtime (callbacks.c) or
 * from the tree itself.
 *
 * ftrace_return_to_handler(frame_pointer): return_to_handler asks it for the return address a
 * function-graph tracer replaced. No bundled callback replaces one yet, so nothing reaches it;
 * it returns 0, and a pass that did reach it would fault at 0 and be reported as a guest fault.
 */
unsigned long ftrace_return_to_handler(unsigned long frame_pointer);

unsigned long ftrace_return_to_handler(unsigned long frame_pointer)
{
	(void)frame_pointer;
	return 0;
}
