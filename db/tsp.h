/* Trust service providers: NEAC, the government CA, licensed public CAs,
 * foreign providers. Reads return struct db_tsp of snapshot.h (without
 * services unless stated).
 *
 * Return values: 0 ok, 1 refused or not found (err says which), -1 error,
 * as everywhere in db/ (db/db.h). */
#ifndef VNTL_DB_TSP_H
#define VNTL_DB_TSP_H

#include <stddef.h>
#include <stdint.h>

#include "db/snapshot.h"

struct db;

struct db_tsp_input {
	enum db_tsp_kind kind;
	const char *name_vi, *name_en, *trade_name;
	const char *street, *locality, *country, *uri, *email;
};

/* Officer only; audited. 0 ok (*id set), 1 refused, -1 error. */
int db_tsp_add(struct db *db, const char *actor, const struct db_tsp_input *in, int64_t *id,
	       char *err, size_t errlen);
/* The rules for a TSP's content (kind, names, texts, country, address,
 * URI, e-mail): 0, or 1 naming the field at fault. */
int db_tsp_validate(const struct db_tsp_input *in, char *err, size_t errlen);
/* 0 when no TSP but `except_id` is named `name_en` now; 1 naming it. */
int db_tsp_name_free(struct db *db, const char *name_en, int64_t except_id, char *err, size_t errlen);
int db_tsp_list(struct db *db, struct db_tsp **out, size_t *count, char *err, size_t errlen);
/* One page: TSPs with id > after_id by id, at most `limit` (0 = all). */
int db_tsp_list_page(struct db *db, int64_t after_id, size_t limit, struct db_tsp **out,
		     size_t *count, char *err, size_t errlen);
/* 0 found, 1 no such TSP, -1 error. */
int db_tsp_get(struct db *db, int64_t id, struct db_tsp *out, char *err, size_t errlen);
/* Frees the strings (and services, if any) of one TSP, not the struct. */
void db_tsp_clear(struct db_tsp *t);
void db_tsps_free(struct db_tsp *tsps, size_t count);

#endif
