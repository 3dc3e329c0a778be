/* The JSON form of the registry's records: one vocabulary for `vntl --json`
 * and the admin API, which both call these. Times are RFC 3339 strings (UTC,
 * "Z"), null when there is none; `reason` says why a change is made,
 * `note` what the approver said. */
#ifndef VNTL_DB_JSON_H
#define VNTL_DB_JSON_H

#include <jansson.h>

#include "db/audit.h"
#include "db/certs.h"
#include "db/changes.h"
#include "db/corrections.h"
#include "db/snapshot.h"

/* {"id","service_id","tsp_id","cert_sha256","service_name","new_status",
 *  "effective" (null while a pending change takes effect on approval),
 *  "reason","decision_ref","proposed_by","proposed_at","state",
 *  "decided_by","decided_at","note"} */
json_t *db_json_change(const struct db_change *c);
/* {"id","action","target","payload","reason","proposed_by","proposed_at",
 *  "state","decided_by","decided_at","note"} */
json_t *db_json_correction(const struct db_correction *c);
/* {"service_id","tsp_id","sha256","subject","issuer","serial","type_uri",
 *  "name_en","not_before","not_after","key_type","key_bits","status",
 *  "status_since"} and "timeline":[{"status","effective","reason",
 *  "decision_ref"}] when the row has one. */
json_t *db_json_cert(const struct db_cert_row *r);
/* {"id","kind","name_vi","name_en","trade_name","street","locality",
 *  "country","uri","email","retired"} */
json_t *db_json_tsp(const struct db_tsp *t);
/* {"id","at","actor","action","object","detail" (an object),"prev_hash","hash"} */
json_t *db_json_audit_entry(const struct db_audit_entry *e);
/* The verdict of audit verification with the seal check of the rows
 * (rows_rc 0 intact, 1 not, with rows_message): {"intact","verdict",
 * "entries_checked","first_bad","head","message","rows_intact","rows_message"} */
json_t *db_json_audit_verdict(const struct db_audit_verdict *v, int rows_rc, const char *rows_message);

#endif
