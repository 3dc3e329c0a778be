/* A consistent, read-only copy of what the publisher needs from the registry.
 *
 * Loaded in one SQLite read transaction (db_snapshot_load), so the three lists
 * published from it agree with each other even while staff keep working.
 * Plain data, no SQL and no handles: the publisher and its tests may also
 * build snapshots by hand.
 *
 * Times are seconds since the Unix epoch, UTC.
 *
 * Return values: 0 ok, 1 refused or not found (err says which), -1 error,
 * as everywhere in db/ (db/db.h).
 */
#ifndef VNTL_DB_SNAPSHOT_H
#define VNTL_DB_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

enum db_tsp_kind {
	DB_TSP_NEAC = 1,       /* NEAC itself: national roots */
	DB_TSP_GOV_CA = 2,     /* Ban Cơ yếu Chính phủ: government CA roots, cross-recognised */
	DB_TSP_PUBLIC_CA = 3,  /* licensed public CAs: certificates NEAC issued to them */
	DB_TSP_FOREIGN = 4,    /* foreign providers recognised in Vietnam */
};

/* Trust status of a service. Roots and public-CA certificates are granted or
 * withdrawn; foreign certificates recognised, suspended or withdrawn. */
enum db_status {
	DB_STATUS_GRANTED = 1,
	DB_STATUS_WITHDRAWN = 2,
	DB_STATUS_RECOGNISED = 3,
	DB_STATUS_SUSPENDED = 4,
};

/* One entry of a service's status timeline. */
struct db_status_entry {
	enum db_status status;
	int64_t effective;       /* when it takes effect (may be in the future) */
	char *reason;            /* why, in the staff's words */
	char *decision_ref;      /* legal decision, e.g. "QĐ 123/QĐ-BKHCN" */
	int64_t id;              /* the registry's row id (0 in hand-built snapshots) */
};

/* One service = one certificate. */
struct db_service {
	int64_t id;
	char *type_uri;          /* e.g. http://uri.etsi.org/TrstSvc/Svctype/CA/PKC */
	char *name_vi, *name_en; /* service name; defaults to the subject CN */
	unsigned char *cert_der;
	size_t cert_der_len;
	char cert_sha256[65];    /* lowercase hex */
	/* Every status the service ever had or will have, oldest first. The
	 * status at time T is the last entry with effective <= T. */
	struct db_status_entry *timeline;
	size_t timeline_count;
};

struct db_tsp {
	int64_t id;
	enum db_tsp_kind kind;
	char *name_vi, *name_en;
	char *trade_name;        /* may be NULL */
	char *street, *locality; /* postal address */
	char country[3];         /* ISO 3166-1 alpha-2 */
	char *uri;               /* information URI (https://…) */
	char *email;             /* may be NULL; published as mailto: */
	int retired;             /* retired by an approved correction: no list carries it */
	struct db_service *services;
	size_t service_count;
};

struct db_publication {
	char list[16];           /* "roots", "foreign", "pointer" */
	int64_t sequence;
	int64_t issued;
	int64_t next_update;
	char sha256[65];         /* lowercase hex of the published XML */
	int64_t status_upto;     /* the highest status entry id its snapshot held */
};

struct db_snapshot {
	int64_t taken_at;
	struct db_tsp *tsps;     /* ordered by kind, then id */
	size_t tsp_count;
	struct db_publication last[3];  /* last publication of roots, foreign, pointer */
	int has_last[3];                /* 0 when that list was never published */
	int64_t audit_head_id;          /* last audit entry when the snapshot was taken */
	int64_t status_upto;            /* the highest status entry id it holds */
};

struct db;
/* Take a snapshot of the registry in one read transaction: TSPs ordered by
 * kind then id, services by id, each with its whole timeline (future-dated
 * entries included), and the last publication of each list. 0, or -1 with
 * a message in err. Free with db_snapshot_free. */
int db_snapshot_load(struct db *db, struct db_snapshot **out, char *err, size_t errlen);

void db_snapshot_free(struct db_snapshot *snap);

#endif
