/*
 * file_digest.c - tc_hash_file: a file's content into a hash, each file read once per process.
 *
 * Every scenario of a gate checks the cache entry of its image: the recipe's bundled objects,
 * its sources and every header they included, the same few hundred files again for each
 * scenario (4,400 reads of 980 files in the bundled gate). A file's digest is kept with what
 * stat says of it (device, inode, size, modification and status-change times); it is read
 * again when any of them differs, as make trusts a file's time, so a file edited while a run
 * goes on is hashed anew. File times are taken from a coarse clock: a file changed in the last
 * RECENT seconds could change again within the same tick, with the same size, so its digest is
 * not kept (as git treats such a file as racily clean and looks at its content).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "toolchain_internal.h"

#define RECENT 2 /* seconds */

struct digest {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	uint64_t value;
};

static struct digest *digests; /* open addressing by path (NULL path: empty), cap a power of 2 */
static size_t ndigests, cap;

static size_t slot_of(const char *path)
{
	uint64_t h = TC_FNV_OFFSET;
	size_t i;

	tc_hash_text(&h, path);
	for (i = (size_t)h & (cap - 1); digests[i].path && strcmp(digests[i].path, path) != 0;
	     i = (i + 1) & (cap - 1))
		;
	return i;
}

static bool same_file(const struct digest *d, const struct stat *st)
{
	return d->dev == st->st_dev && d->ino == st->st_ino && d->size == st->st_size &&
	       d->mtime.tv_sec == st->st_mtim.tv_sec && d->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       d->ctime.tv_sec == st->st_ctim.tv_sec && d->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

/* Room for one more digest: false when there is no memory (the digest is then not kept). */
static bool room(void)
{
	struct digest *old = digests;
	size_t oldcap = cap;

	if (cap && (ndigests + 1) * 2 <= cap)
		return true;
	cap = cap ? cap * 2 : 1024;
	if (!(digests = calloc(cap, sizeof(*digests)))) {
		digests = old;
		cap = oldcap;
		return false;
	}
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].path)
			digests[slot_of(old[i].path)] = old[i];
	free(old);
	return true;
}

/* Was the file changed (its content or its inode) in the last RECENT seconds? */
static bool recent(const struct stat *st)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now) != 0)
		return true;
	return now.tv_sec - st->st_mtim.tv_sec < RECENT || now.tv_sec - st->st_ctim.tv_sec < RECENT;
}

/* The digest of the file's size and content; -1 when it cannot be read. */
static int digest_of(const char *path, uint64_t *value)
{
	struct stat st;
	bool known = stat(path, &st) == 0 && !recent(&st) && room();
	struct digest *d = known ? &digests[slot_of(path)] : NULL;
	size_t n;
	char *data;

	if (d && d->path && same_file(d, &st)) {
		*value = d->value;
		return 0;
	}
	if (!(data = tc_read_file(path, &n)))
		return -1;
	*value = TC_FNV_OFFSET;
	tc_hash_bytes(value, &n, sizeof(n));
	tc_hash_bytes(value, data, n);
	free(data);
	if (d && !d->path && (d->path = strdup(path)))
		ndigests++;
	if (d && d->path) {
		d->dev = st.st_dev;
		d->ino = st.st_ino;
		d->size = st.st_size;
		d->mtime = st.st_mtim;
		d->ctime = st.st_ctim;
		d->value = *value;
	}
	return 0;
}

int tc_hash_file(uint64_t *h, const char *path)
{
	uint64_t value;

	if (digest_of(path, &value))
		return -1;
	tc_hash_bytes(h, &value, sizeof(value));
	return 0;
}
