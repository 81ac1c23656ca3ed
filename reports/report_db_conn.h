/*
 * report_db_conn.h - private to reports/: the SQLite connection under a report_db, for the
 * writers beside report_db.c (report_merge.c) that run their own statements on it.
 */
#ifndef PATCHCHECK_REPORT_DB_CONN_H
#define PATCHCHECK_REPORT_DB_CONN_H

#include <sqlite3.h>

struct report_db;

/* The connection, or NULL (with the reason noted) when this process may not use it. */
sqlite3 *report_db_connection(struct report_db *db);
/* Note "FILE: doing: sqlite's message" as db's last error. */
void report_db_note_sqlite_error(struct report_db *db, const char *doing);

#endif
