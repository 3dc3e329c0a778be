/* Rows whose text no list can carry (invalid UTF-8, a character XML 1.0
 * forbids, outer space, too long: db_text_check) — kept by a registry from
 * before text was checked at entry. `vntl doctor` lists them with the
 * correction that repairs each; the publisher leaves out only the list
 * that would carry one, naming it, and publishes the others. */
#ifndef VNTL_DB_DOCTOR_H
#define VNTL_DB_DOCTOR_H

#include <stddef.h>
#include <stdint.h>

#include "db/snapshot.h"

struct db_text_fault {
	enum db_tsp_kind kind;   /* the TSP's kind: which list carries the row */
	int64_t tsp_id;
	int64_t service_id;      /* 0: a field of the TSP itself */
	int64_t status_id;       /* 0: not a status entry */
	char where[160];         /* "TSP 3 (MISA)", "service 12 of TSP 3 (MISA)", ... */
	char field[32];          /* "name_en", "decision_ref", ... */
	char message[300];       /* what db_text_check said */
	char repair[400];        /* the correction that repairs it, or why none can */
};

/* Every such text in the TSPs, services and timelines `snap` holds (retired
 * TSPs are in no list: skipped). *out is malloc'd (NULL when none). 0, or
 * -1 when out of memory. */
int db_text_faults(const struct db_snapshot *snap, struct db_text_fault **out, size_t *count);

#endif
