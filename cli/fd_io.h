/*
 * fd_io.h - whole transfers on a file descriptor (fd_io.c), the pipes between the command and
 * its worker processes: apart from cli.h so that a test can use them alone.
 */
#ifndef PATCHCHECK_CLI_FD_IO_H
#define PATCHCHECK_CLI_FD_IO_H

#include <stddef.h>

/* 0 when all of data was written, -1 otherwise. */
int fd_write_all(int fd, const void *data, size_t len);
/* The bytes read into data: len, or fewer at end of file or on an error. */
size_t fd_read_all(int fd, void *data, size_t len);
/* len bytes that are mostly zeros (a loaded scenario: 200 KB of fixed arrays, a few KB used)
 * as their nonzero runs, in one write: 0, or -1 when the write failed. */
int fd_write_sparse(int fd, const void *data, size_t len);
/* What fd_write_sparse wrote, into data (len bytes, zeros between the runs): 1, 0 at end of
 * file before it, -1 on an error or a malformed message. */
int fd_read_sparse(int fd, void *data, size_t len);

#endif
