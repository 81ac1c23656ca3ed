/*
 * explore_jobs.c - the scenarios of a run or gate explored in list order, in this process
 * (-j 1) or by N worker processes at once (-j N), each result handed back to the command in
 * list order, so the output, the database rows and the output files are those of -j 1.
 *
 * The command loads items by their place in the list (a scenario to explore, or an item with
 * nothing to explore: a bad file, a skipped scenario) and takes each back, with its result, in
 * list order; only the parent prints and writes files. A worker is a fork() of the parent that
 * lives for the whole run: it reads a scenario from its job pipe (the struct as it is, sent as
 * its nonzero runs: the same program on both sides), explores it, writes the result down its
 * result pipe (result_wire.c) and waits for the next. Long-lived workers reuse their memory as
 * one process exploring everything would; a fresh process per scenario spent as much time
 * faulting in new pages as it gained. The parent keeps at most EXPLORE_LOOKAHEAD items waiting
 * behind the oldest one, whose result it waits for, so a slow scenario does not leave the
 * other workers idle.
 * Items that cost so much when last explored (cost_data.c) that, taken in their turn, they
 * would still run when the rest is done (job_order.c) are started first, the costliest first,
 * and their results kept until their turn: the gate's costliest scenario is listed last.
 * Then an idle worker takes the first waiting item of the same guest machine as its last one
 * (arch, image, own sources, harts), else the first whose machine no other worker holds, else
 * the first waiting item: a worker keeps its machines and their translations for the next
 * scenarios (machine_park), as one process exploring in list order would, instead of every
 * worker opening every machine.
 *
 * A worker that dies (a crash, the emulator out of memory) closes its result pipe: its
 * scenario's result is an error of the environment (exit 3), a new worker takes the next
 * scenario, and the parent never waits on a dead one.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../emu/machine.h"
#include "cli.h"
#include "job_order.h"

/* Items fed beyond the running ones; each holds a loaded scenario (about 200 KB) until its turn,
 * and its result (about 18 KB) until the items before it are handed back. While one worker
 * explores the gate's longest scenario (0.2 s) the others get through about 30 short ones. A
 * slot is reused once its item is handed back: with 1,024 every scenario of the gate had a
 * slot of its own, and the parent faulted in 60 MB of them while the workers started (-j 2
 * took 2.28 s of wall time instead of 2.09 s). */
#define EXPLORE_LOOKAHEAD 32
/* Items started before their turn, at most: each holds its slot until its turn comes. */
#define EXPLORE_EARLY_MAX 16

enum job_state { JOB_WAITING, JOB_RUNNING, JOB_DONE };

struct job {
	size_t index; /* the item's place in the list; SIZE_MAX: a free slot */
	struct scenario_job job;
	enum job_state state;
	struct scenario_result res;
};

struct worker {
	pid_t pid;       /* 0: no process in this slot */
	int to, from;    /* the job pipe's write end, the result pipe's read end */
	struct job *job; /* the item it explores; NULL when idle */
	/* What the scenario it explored last ran on (its item may be gone): same_machine */
	char last_arch[16], last_image[64], last_elf[512];
	unsigned last_harts, last_sources;
	char *buf;       /* what it wrote of its result so far */
	size_t len, cap;
};

struct jobs {
	const struct cli_common *c;
	const struct scenario_job_ops *ops;
	void *ud;
	size_t n;                /* items in the list */
	struct job *slots;       /* the loaded items, in no order */
	size_t nslots;
	size_t back;             /* the next item to hand back */
	size_t fed;              /* the items before it are loaded or early ones */
	size_t in_turn;          /* loaded items that are not early ones, not handed back yet */
	size_t early[EXPLORE_EARLY_MAX]; /* items started before their turn, in starting order */
	size_t nearly, early_next;       /* early[early_next ..] are not loaded yet */
	struct cost_data *costs;
	struct worker *workers;  /* c->jobs slots */
};

/* The slot holding item i; NULL when it is not loaded (or handed back already). */
static struct job *slot_of(struct jobs *q, size_t i)
{
	for (size_t k = 0; k < q->nslots; k++)
		if (q->slots[k].index == i)
			return &q->slots[k];
	return NULL;
}

static bool is_early(const struct jobs *q, size_t i)
{
	for (size_t k = 0; k < q->nearly; k++)
		if (q->early[k] == i)
			return true;
	return false;
}

/* ---- results that are errors of the environment ---- */

static void set_environment_error(struct scenario_result *res, const struct scenario *s,
				  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_environment_error(struct scenario_result *res, const struct scenario *s,
				  const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	scenario_result_free(res);
	memset(res, 0, sizeof(*res));
	res->verdict = VERDICT_ERROR;
	res->environment = true;
	snprintf(res->error, sizeof(res->error), "%.300s: %.200s", s->path, why);
}

/* ---- a worker process ---- */

/* In the child: explore each scenario that comes, until the job pipe closes. Never returns,
 * never touches stdout or the parent's database. */
static void run_worker(const struct cli_common *c, int in, int out)
{
	struct scenario *s = malloc(sizeof(*s));
	int got;

	if (!s)
		_exit(EXIT_ENVIRONMENT);
	while ((got = fd_read_sparse(in, s, sizeof(*s))) == 1) {
		struct scenario_result res;

		explore_scenario(c, s, &res);
		if (result_write(out, &res) < 0)
			_exit(EXIT_ENVIRONMENT);
		scenario_result_free(&res);
	}
	_exit(got == 0 ? EXIT_MATCH : EXIT_ENVIRONMENT);
}

/* Start a worker in slot w: 0, or -1 with errno set. */
static int start_worker(struct jobs *q, struct worker *w)
{
	int jobs[2], results[2];
	pid_t pid;

	if (pipe2(jobs, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(results, O_CLOEXEC) < 0) {
		close(jobs[0]);
		close(jobs[1]);
		return -1;
	}
	fflush(NULL); /* the child must not write the parent's buffered output again */
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(jobs[0]);
		close(jobs[1]);
		close(results[0]);
		close(results[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		/* The other workers' job pipes must close when the parent closes them. */
		for (unsigned long i = 0; i < q->c->jobs; i++) {
			if (q->workers[i].pid) {
				close(q->workers[i].to);
				close(q->workers[i].from);
			}
		}
		close(jobs[1]);
		close(results[0]);
		run_worker(q->c, jobs[0], results[1]);
	}
	close(jobs[0]);
	close(results[1]);
	*w = (struct worker){.pid = pid, .to = jobs[1], .from = results[0]};
	return 0;
}

/* End the worker in slot w (its job pipe closed, it exits) and collect it; its status. */
static int stop_worker(struct worker *w)
{
	int status = 0;

	close(w->to);
	close(w->from);
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
		;
	free(w->buf);
	*w = (struct worker){0};
	return status;
}

/* The worker's result pipe closed with its result incomplete: it died. */
static void worker_died(struct worker *w)
{
	struct job *j = w->job;
	int status = stop_worker(w);

	j->state = JOB_DONE;
	if (WIFSIGNALED(status))
		set_environment_error(&j->res, j->job.scn,
				      "the worker process exploring it was killed by signal %d (%s)",
				      WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		set_environment_error(&j->res, j->job.scn,
				      "the worker process exploring it exited with status %d before"
				      " sending a result", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The worker sent a whole message of total bytes: its item's result. */
static void worker_answered(struct worker *w, size_t total)
{
	struct job *j = w->job;

	j->state = JOB_DONE;
	if (result_read(w->buf, total, &j->res) < 0)
		set_environment_error(&j->res, j->job.scn,
				      "its worker process sent no whole result, or memory ran out"
				      " taking it");
	w->job = NULL;
	w->len = 0;
}

/* No memory for the rest of the result: the worker is ended (it would wait for a job after
 * it) and its item gets an error. */
static void result_too_big(struct worker *w)
{
	struct job *j = w->job;

	kill(w->pid, SIGKILL);
	stop_worker(w);
	j->state = JOB_DONE;
	set_environment_error(&j->res, j->job.scn,
			      "out of memory taking the result of its worker process");
}

/* Read what the worker wrote; a whole message is its item's result. */
static void read_worker(struct worker *w)
{
	size_t total, room;
	ssize_t n;

	if (w->len == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 1 << 16;
		char *v = realloc(w->buf, cap);

		if (!v) {
			result_too_big(w);
			return;
		}
		w->buf = v;
		w->cap = cap;
	}
	/* A worker writes one message and waits for its next job: never read past the end. */
	total = result_wire_length(w->buf, w->len);
	room = w->cap - w->len;
	if (total && total - w->len < room)
		room = total - w->len;
	n = read(w->from, w->buf + w->len, room);
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		worker_died(w);
		return;
	}
	w->len += (size_t)n;
	total = result_wire_length(w->buf, w->len);
	if (total && w->len >= total)
		worker_answered(w, total);
}

/* Hand the item to the idle worker in slot w (started when the slot is empty). */
static void assign(struct jobs *q, struct worker *w, struct job *j)
{
	if (!w->pid && start_worker(q, w) < 0) {
		j->state = JOB_DONE;
		set_environment_error(&j->res, j->job.scn, "cannot start a worker process: %s",
				      strerror(errno));
		return;
	}
	j->state = JOB_RUNNING;
	w->job = j;
	snprintf(w->last_arch, sizeof(w->last_arch), "%s", j->job.scn->arch);
	snprintf(w->last_image, sizeof(w->last_image), "%s", j->job.scn->image);
	snprintf(w->last_elf, sizeof(w->last_elf), "%s", j->job.scn->elf);
	w->last_harts = j->job.scn->nharts;
	w->last_sources = j->job.scn->nsources + j->job.scn->nkernel_sources;
	if (fd_write_sparse(w->to, j->job.scn, sizeof(*j->job.scn)) < 0)
		worker_died(w);
}

/* Wait until some busy worker wrote or ended, and take it in. */
static void wait_for_workers(struct jobs *q)
{
	struct pollfd fds[q->c->jobs];
	struct worker *of[q->c->jobs];
	unsigned n = 0;

	for (unsigned long i = 0; i < q->c->jobs; i++) {
		if (q->workers[i].job) {
			fds[n] = (struct pollfd){.fd = q->workers[i].from, .events = POLLIN};
			of[n++] = &q->workers[i];
		}
	}
	if (n == 0 || poll(fds, n, -1) < 0)
		return; /* EINTR: the caller waits again */
	for (unsigned i = 0; i < n; i++)
		if (fds[i].revents)
			read_worker(of[i]);
}

/* ---- the queue ---- */

static struct worker *idle_worker(struct jobs *q)
{
	for (unsigned long i = 0; i < q->c->jobs; i++)
		if (!q->workers[i].job)
			return &q->workers[i];
	return NULL;
}

/* Would s run on the machine the worker used last (the same arch, image and harts, and no
 * sources of its own, which build another image)? */
static bool same_machine(const struct worker *w, const struct scenario *s)
{
	return w->last_harts == s->nharts && !w->last_sources && !s->nsources &&
	       !s->nkernel_sources && strcmp(w->last_arch, s->arch) == 0 &&
	       strcmp(w->last_image, s->image) == 0 && strcmp(w->last_elf, s->elf) == 0;
}

/* Is s on the machine another worker than w used last? */
static bool another_workers_machine(const struct jobs *q, const struct worker *w,
				    const struct scenario *s)
{
	for (unsigned long i = 0; i < q->c->jobs; i++)
		if (&q->workers[i] != w && q->workers[i].last_harts && same_machine(&q->workers[i], s))
			return true;
	return false;
}

/* Item i loaded into a free slot (there always is one: see explore_in_order). */
static struct job *load(struct jobs *q, size_t i)
{
	struct job *j = slot_of(q, SIZE_MAX);

	memset(j, 0, sizeof(*j));
	j->index = i;
	q->ops->load(q->ud, i, &j->job);
	j->state = j->job.scn ? JOB_WAITING : JOB_DONE;
	return j;
}

/* Of the waiting items a and b, the one listed first (b when a is NULL). */
static struct job *listed_first(struct job *a, struct job *b)
{
	return !a || b->index < a->index ? b : a;
}

/* The waiting item an idle worker takes: the next early one, else the first of its last
 * machine, else the first no other worker has its machine for, else the first. */
static struct job *next_for(struct jobs *q, const struct worker *w)
{
	struct job *mine = NULL, *unclaimed = NULL, *first = NULL;

	while (q->early_next < q->nearly) {
		struct job *j = load(q, q->early[q->early_next++]);

		if (j->state == JOB_WAITING)
			return j;
	}
	for (size_t k = 0; k < q->nslots; k++) {
		struct job *j = &q->slots[k];

		if (j->index == SIZE_MAX || j->state != JOB_WAITING)
			continue;
		if (same_machine(w, j->job.scn))
			mine = listed_first(mine, j);
		else if (!another_workers_machine(q, w, j->job.scn))
			unclaimed = listed_first(unclaimed, j);
		first = listed_first(first, j);
	}
	return mine ? mine : unclaimed ? unclaimed : first;
}

/* Items loaded up to the lookahead, and the idle workers given one each. An idle worker takes
 * a loaded item before the next is loaded: at the start no worker waits for the loads of the
 * items listed after its first. */
static void feed(struct jobs *q)
{
	for (;;) {
		struct worker *w;
		struct job *j;

		while ((w = idle_worker(q)) != NULL && (j = next_for(q, w)) != NULL)
			assign(q, w, j);
		if (q->fed >= q->n || q->in_turn >= q->c->jobs + EXPLORE_LOOKAHEAD)
			break;
		if (!is_early(q, q->fed)) {
			load(q, q->fed);
			q->in_turn++;
		}
		q->fed++;
	}
}

/* The item back to the command with its result (NULL: nothing was explored), the steps it
 * took stored first (the command may free the scenario): not an error's, nor a shard's part of
 * one scenario's tree. */
static void give_back(const struct cli_common *c, const struct scenario_job_ops *ops, void *ud,
		      struct cost_data *costs, struct scenario_job *job, struct scenario_result *res)
{
	bool matched = job->scn && scenario_result_matches(job->scn, res);

	if (job->scn && res->verdict != VERDICT_ERROR && !c->shard_tree)
		cost_data_set(costs, job->scn->path, res->stats.steps);
	ops->done(ud, job, job->scn ? res : NULL, matched);
	scenario_result_free(res);
}

/* The item in turn, once its result is in. */
static void hand_back(struct jobs *q, struct job *j)
{
	give_back(q->c, q->ops, q->ud, q->costs, &j->job, &j->res);
	if (!is_early(q, j->index))
		q->in_turn--;
	j->index = SIZE_MAX;
	q->back++;
}

/* The items to start before their turn, from what they cost when last explored. */
static void choose_early(struct jobs *q)
{
	uint64_t *cost = calloc(q->n ? q->n : 1, sizeof(*cost));

	if (!cost)
		return;
	cost_data_load(q->costs);
	for (size_t i = 0; i < q->n; i++)
		cost[i] = cost_data_get(q->costs, q->ops->path(q->ud, i));
	q->nearly = job_order_early(cost, q->n, q->c->jobs, q->early, EXPLORE_EARLY_MAX);
	free(cost);
}

/* -j 1: each item explored here, in turn. */
static void explore_here(const struct cli_common *c, const struct scenario_job_ops *ops,
			 void *ud, size_t n, struct cost_data *costs)
{
	for (size_t i = 0; i < n; i++) {
		struct scenario_job job = {0};
		struct scenario_result res = {0};

		ops->load(ud, i, &job);
		if (job.scn)
			explore_scenario(c, job.scn, &res);
		give_back(c, ops, ud, costs, &job, &res);
	}
}

/* The items explored by c->jobs workers (2 at least); false when memory ran out first. */
static bool explore_by_workers(const struct cli_common *c, const struct scenario_job_ops *ops,
			       void *ud, size_t n, struct cost_data *costs)
{
	/* Room for every item loaded in its turn, and for the early ones. */
	struct jobs q = {.c = c, .ops = ops, .ud = ud, .n = n, .costs = costs,
			 .nslots = c->jobs + EXPLORE_LOOKAHEAD + EXPLORE_EARLY_MAX};
	void (*old_sigpipe)(int);

	q.slots = calloc(q.nslots, sizeof(*q.slots));
	q.workers = calloc(c->jobs, sizeof(*q.workers));
	if (!q.slots || !q.workers) {
		free(q.slots);
		free(q.workers);
		return false;
	}
	for (size_t k = 0; k < q.nslots; k++)
		q.slots[k].index = SIZE_MAX;
	choose_early(&q);
	old_sigpipe = signal(SIGPIPE, SIG_IGN); /* a dead worker's job pipe: EPIPE, not death */
	machine_reg_access_warm(); /* the workers share its pages instead of each filling them */
	/* Forked before the first item is loaded: the slots are then the parent's alone, where
	 * a slot loaded before the fork was copied on the parent's every later write. A worker
	 * that could not start is started again when an item is assigned to it. */
	for (unsigned long i = 0; i < c->jobs; i++)
		(void)start_worker(&q, &q.workers[i]);
	for (;;) {
		struct job *j;

		feed(&q);
		if (q.back >= q.n)
			break;
		j = slot_of(&q, q.back); /* NULL: an early item, all workers busy */
		if (j && j->state == JOB_DONE)
			hand_back(&q, j);
		else
			wait_for_workers(&q);
	}
	for (unsigned long i = 0; i < c->jobs; i++)
		if (q.workers[i].pid)
			stop_worker(&q.workers[i]);
	signal(SIGPIPE, old_sigpipe);
	free(q.workers);
	free(q.slots);
	return true;
}

void explore_in_order(const struct cli_common *c, const struct scenario_job_ops *ops, void *ud,
		      size_t n)
{
	struct cost_data costs = {0};

	explore_answers_load();
	if (c->jobs < 2 || !explore_by_workers(c, ops, ud, n, &costs))
		explore_here(c, ops, ud, n, &costs);
	cost_data_save(&costs); /* makes the cache directory */
	explore_answers_save();
	cost_data_free(&costs);
}
