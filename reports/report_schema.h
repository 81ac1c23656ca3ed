/*
 * report_schema.h - private to reports/: creating, checking and migrating the schema of a
 * report database. The schema itself is documented at the top of report_schema.c.
 */
#ifndef PATCHCHECK_REPORT_SCHEMA_H
#define PATCHCHECK_REPORT_SCHEMA_H

#include <stddef.h>

#include <sqlite3.h>

/*
 * Bring the database on conn to REPORT_SCHEMA_VERSION inside one BEGIN IMMEDIATE transaction:
 * create the tables in an empty file, apply the migration steps to an older one, and refuse a
 * newer one or a SQLite file that is not a report. Returns 0, or -1 with a message naming path
 * in err (the transaction is rolled back).
 */
int report_schema_prepare(sqlite3 *conn, const char *path, char *err, size_t errlen);

#endif
