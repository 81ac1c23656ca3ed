/*
 * entryseq_nmi.c - NMI handlers for the entry-sequence scenarios: each calls a traced function
 * of the entryseq image, as a perf or watchdog NMI handler may run traced code.
 */
long seqa_add3(long a, long b, long c);
long seqb_add3(long a, long b, long c);

/* Contract: calls seqa_add3(7, 8, 9) once; returns nothing. */
void nmi_calls_seqa_add3(void)
{
	seqa_add3(7, 8, 9);
}

/* Contract: calls seqb_add3(7, 8, 9) once; returns nothing. */
void nmi_calls_seqb_add3(void)
{
	seqb_add3(7, 8, 9);
}
