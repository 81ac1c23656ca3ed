/*
 * fd_io.c - whole reads and writes on a file descriptor (a pipe to or from a worker process):
 * through EINTR and short transfers; and bytes that are mostly zeros sent as their nonzero
 * runs, which fit in a pipe's buffer where the whole would make the writer wait for the reader.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd_io.h"

int fd_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

size_t fd_read_all(int fd, void *data, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)data + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* Sparse messages: a uint32_t count of runs, then each run as a uint32_t offset, a uint32_t
 * length and its bytes. A run covers SPARSE_BLOCK-byte blocks with a nonzero byte. */
#define SPARSE_BLOCK 64

static bool block_is_zero(const uint8_t *p, size_t n)
{
	static const uint8_t zero[SPARSE_BLOCK];

	return !memcmp(p, zero, n);
}

int fd_write_sparse(int fd, const void *data, size_t len)
{
	static uint8_t *buf;
	static size_t cap;
	const uint8_t *p = data;
	size_t need = sizeof(uint32_t) + len + (len / SPARSE_BLOCK + 1) * 2 * sizeof(uint32_t);
	size_t used = sizeof(uint32_t);
	uint32_t runs = 0;

	if (len > UINT32_MAX)
		return -1;
	if (need > cap) {
		uint8_t *b = realloc(buf, need);

		if (!b)
			return -1;
		buf = b;
		cap = need;
	}
	for (size_t at = 0; at < len;) {
		size_t n = len - at < SPARSE_BLOCK ? len - at : SPARSE_BLOCK, end;
		uint32_t hdr[2];

		if (block_is_zero(p + at, n)) {
			at += n;
			continue;
		}
		for (end = at + n; end < len; end += n) {
			n = len - end < SPARSE_BLOCK ? len - end : SPARSE_BLOCK;
			if (block_is_zero(p + end, n))
				break;
		}
		hdr[0] = (uint32_t)at;
		hdr[1] = (uint32_t)(end - at);
		memcpy(buf + used, hdr, sizeof(hdr));
		memcpy(buf + used + sizeof(hdr), p + at, end - at);
		used += sizeof(hdr) + (end - at);
		runs++;
		at = end;
	}
	memcpy(buf, &runs, sizeof(runs));
	return fd_write_all(fd, buf, used);
}

int fd_read_sparse(int fd, void *data, size_t len)
{
	uint32_t runs, hdr[2];
	size_t got = fd_read_all(fd, &runs, sizeof(runs));

	if (got == 0)
		return 0;
	if (got != sizeof(runs))
		return -1;
	memset(data, 0, len);
	for (uint32_t r = 0; r < runs; r++) {
		if (fd_read_all(fd, hdr, sizeof(hdr)) != sizeof(hdr) || hdr[0] > len ||
		    hdr[1] > len - hdr[0] ||
		    fd_read_all(fd, (uint8_t *)data + hdr[0], hdr[1]) != hdr[1])
			return -1;
	}
	return 1;
}
