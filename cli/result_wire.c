/*
 * result_wire.c - a scenario's result as bytes, from a worker process to the parent (-j N):
 * the result, its failure, the failure's trace, register changes and register states, each
 * copied as it is in memory, behind a header that says how long each part and the whole
 * message are (a worker sends one message per scenario down the same pipe).
 *
 * The worker is a fork() of the parent, the same program at the same addresses, so the structs
 * have the same layout on both sides and the pointers into the program's static data that a
 * result holds (the arch model, its register names) mean the same thing in both; the pointers
 * to allocated memory are set again on decoding. The bytes never outlive the two processes.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define RESULT_WIRE_MAGIC 0x70637231u /* "pcr1" */

struct wire_header {
	uint32_t magic;
	uint32_t has_failure;
	uint64_t ntrace, deltas_len, nregs; /* nregs: entries of failure->regs (its nharts) */
	uint64_t total;                     /* bytes of the whole message, header included */
};

static size_t regs_count(const struct failure *f)
{
	return f->regs ? f->nharts : 0;
}

int result_write(int fd, const struct scenario_result *res)
{
	const struct failure *f = res->failure;
	struct wire_header h = {.magic = RESULT_WIRE_MAGIC, .has_failure = f != NULL};

	if (f) {
		h.ntrace = f->trace ? f->ntrace : 0;
		h.deltas_len = f->deltas ? f->deltas_len : 0;
		h.nregs = regs_count(f);
	}
	h.total = sizeof(h) + sizeof(*res) +
		  (f ? sizeof(*f) + h.ntrace * sizeof(*f->trace) + h.deltas_len +
			       h.nregs * sizeof(*f->regs)
		     : 0);
	if (fd_write_all(fd, &h, sizeof(h)) || fd_write_all(fd, res, sizeof(*res)))
		return -1;
	if (!f)
		return 0;
	if (fd_write_all(fd, f, sizeof(*f)) ||
	    fd_write_all(fd, f->trace, (size_t)h.ntrace * sizeof(*f->trace)) ||
	    fd_write_all(fd, f->deltas, (size_t)h.deltas_len) ||
	    fd_write_all(fd, f->regs, (size_t)h.nregs * sizeof(*f->regs)))
		return -1;
	return 0;
}

size_t result_wire_length(const void *buf, size_t len)
{
	struct wire_header h;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != RESULT_WIRE_MAGIC || h.total < sizeof(h))
		return 0;
	return (size_t)h.total;
}

/* A malloc'd copy of the next len bytes at *p (NULL for none), advancing *p. */
static void *take_copy(const char **p, size_t len, bool *failed)
{
	void *v;

	if (!len)
		return NULL;
	v = malloc(len);
	if (!v) {
		*failed = true;
		return NULL;
	}
	memcpy(v, *p, len);
	*p += len;
	return v;
}

int result_read(const void *buf, size_t len, struct scenario_result *res)
{
	const char *p = buf;
	struct wire_header h;
	struct failure *f;
	bool failed = false;

	memset(res, 0, sizeof(*res));
	if (len < sizeof(h))
		return -1;
	memcpy(&h, p, sizeof(h));
	p += sizeof(h);
	if (h.magic != RESULT_WIRE_MAGIC || h.total != len ||
	    len < sizeof(h) + sizeof(*res) + (h.has_failure ? sizeof(*f) : 0))
		return -1;
	memcpy(res, p, sizeof(*res));
	p += sizeof(*res);
	res->failure = NULL;
	if (!h.has_failure)
		return len == sizeof(h) + sizeof(*res) ? 0 : -1;
	if (h.ntrace > len / sizeof(*f->trace) || h.nregs > len / sizeof(*f->regs) ||
	    h.deltas_len > len ||
	    len != sizeof(h) + sizeof(*res) + sizeof(*f) + h.ntrace * sizeof(*f->trace) +
			   h.deltas_len + h.nregs * sizeof(*f->regs))
		return -1;
	f = malloc(sizeof(*f));
	if (!f)
		return -1;
	memcpy(f, p, sizeof(*f));
	p += sizeof(*f);
	f->trace = take_copy(&p, (size_t)h.ntrace * sizeof(*f->trace), &failed);
	f->deltas = take_copy(&p, (size_t)h.deltas_len, &failed);
	f->regs = take_copy(&p, (size_t)h.nregs * sizeof(*f->regs), &failed);
	res->failure = f;
	if (failed) {
		scenario_result_free(res);
		return -1;
	}
	return 0;
}
