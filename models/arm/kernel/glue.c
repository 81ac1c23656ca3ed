/*
 * glue.c - what a Linux tree's arm trampolines call that the kernel's C code would provide,
 * for an image that runs them (built with the image's flags beside the tree's files, so A32
 * or T32 as the image is). The callback, function_trace_op and ftrace_stub come from the
 * image's runtime (callbacks.c) or from the tree itself.
 *
 * prepare_ftrace_return(parent, self, frame_pointer, sp): ftrace_graph_caller and
 *   ftrace_graph_regs_caller hand it the slot of the traced function's return address, for a
 *   function-graph tracer to replace. They run only when a graph call site (ftrace_graph_call,
 *   ftrace_graph_regs_call) is enabled, which no scenario does yet: it leaves the return
 *   address alone.
 * ftrace_return_to_handler(frame_pointer): return_to_handler asks it for the return address a
 *   function-graph tracer replaced. Nothing replaces one, so nothing reaches it; it returns 0,
 *   and a pass that did reach it would fault at 0 and be reported as a guest fault.
 * __aeabi_unwind_cpp_pr0, __aeabi_unwind_cpp_pr1: the EHABI personality routines that the
 *   unwind table entries of the tree's .fnstart/.fnend (CONFIG_ARM_UNWIND) name. The guest
 *   images drop the tables (guest.ld) and never unwind, so the routines only have to exist.
 */
unsigned long ftrace_return_to_handler(unsigned long frame_pointer);
void prepare_ftrace_return(unsigned long *parent, unsigned long self_addr,
			   unsigned long frame_pointer, unsigned long stack_pointer);
void __aeabi_unwind_cpp_pr0(void);
void __aeabi_unwind_cpp_pr1(void);

unsigned long ftrace_return_to_handler(unsigned long frame_pointer)
{
	(void)frame_pointer;
	return 0;
}

void prepare_ftrace_return(unsigned long *parent, unsigned long self_addr,
			   unsigned long frame_pointer, unsigned long stack_pointer)
{
	(void)parent;
	(void)self_addr;
	(void)frame_pointer;
	(void)stack_pointer;
}

void __aeabi_unwind_cpp_pr0(void)
{
}

void __aeabi_unwind_cpp_pr1(void)
{
}
