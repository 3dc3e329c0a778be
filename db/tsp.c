/* Trust service providers. */
#include "db/tsp.h"
#include "db/certs.h"
#include "db/db_internal.h"
#include "db/stmt.h"
#include "db/text.h"
#include "db/users.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int required(const char *v)
{
	return v && *v;
}

static int check_texts(const struct db_tsp_input *in, char *err, size_t errlen)
{
	const struct { const char *field, *value; unsigned flags; } texts[] = {
		{"name_vi (--name-vi)", in->name_vi, DB_TEXT_REQUIRED},
		{"name_en (--name-en)", in->name_en, DB_TEXT_REQUIRED},
		{"trade_name (--trade-name)", in->trade_name, 0},
		{"street (--street)", in->street, 0},
		{"locality (--locality)", in->locality, 0},
		{"uri (--uri)", in->uri, 0},
		{"email (--email)", in->email, 0},
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (db_text_check(texts[i].field, texts[i].value, DB_TEXT_NAME_MAX, texts[i].flags, err, errlen))
			return 1;
	return 0;
}

/* The 249 officially assigned ISO 3166-1 alpha-2 codes (ISO 3166
 * Maintenance Agency; the same set as tzdata's iso3166.tab), sorted. */
static const char ISO3166_ALPHA2[][3] = {
	"AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX",
	"AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ",
	"BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK",
	"CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
	"DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR",
	"GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS",
	"GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN",
	"IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
	"KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV",
	"LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ",
	"MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI",
	"NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
	"PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC",
	"SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
	"SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR",
	"TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
	"VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};

static int cmp_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int country_assigned(const char *cc)
{
	return cc && strlen(cc) == 2 &&
	       bsearch(cc, ISO3166_ALPHA2, sizeof ISO3166_ALPHA2 / sizeof ISO3166_ALPHA2[0],
		       sizeof ISO3166_ALPHA2[0], cmp_code) != NULL;
}

/* An absolute http(s) URI with a host: scheme, "//", then no space or
 * control character anywhere and something before the first '/'. */
static int absolute_web_uri(const char *uri)
{
	size_t scheme = strncmp(uri, "https://", 8) == 0 ? 8 : strncmp(uri, "http://", 7) == 0 ? 7 : 0;
	if (!scheme || uri[scheme] == '/' || uri[scheme] == '\0')
		return 0;
	for (const unsigned char *p = (const unsigned char *)uri; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

/* local@domain.tld: exactly one '@', both sides non-empty, a dot in the
 * domain, no space; given without "mailto:" (the publisher adds it). */
static int email_address(const char *e)
{
	const char *at = strchr(e, '@');
	if (!at || at == e || strchr(at + 1, '@') || strncmp(e, "mailto:", 7) == 0)
		return 0;
	const char *dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || dot[1] == '\0')
		return 0;
	for (const unsigned char *p = (const unsigned char *)e; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return 0;
	return 1;
}

int db_tsp_validate(const struct db_tsp_input *in, char *err, size_t errlen)
{
	if (in->kind < DB_TSP_NEAC || in->kind > DB_TSP_FOREIGN)
		return db_msg(1, err, errlen, "TSP kind must be neac, gov-ca, public-ca or foreign");
	if (!required(in->name_vi) || !required(in->name_en))
		return db_msg(1, err, errlen, "a TSP needs a Vietnamese and an English name (--name-vi, --name-en)");
	if (check_texts(in, err, errlen))
		return 1;
	if (!country_assigned(in->country))
		return db_msg(1, err, errlen, "country '%s' is not an assigned ISO 3166-1 alpha-2 code in "
			      "capitals, e.g. VN, SG, DE", in->country ? in->country : "");
	if (in->kind != DB_TSP_FOREIGN && strcmp(in->country, "VN") != 0)
		return db_msg(1, err, errlen, "a Vietnamese TSP (kind %s) must have country VN", db_tsp_kind_name(in->kind));
	/* The published lists carry them for every provider (TS 119 612
	 * TSPAddress, TSPInformationURI). */
	if (!required(in->street) || !required(in->locality))
		return db_msg(1, err, errlen, "a TSP needs a postal address (--street, --locality): the trust lists publish it");
	if (!required(in->uri))
		return db_msg(1, err, errlen, "a TSP needs an information URI (--uri): the trust lists publish it");
	if (!absolute_web_uri(in->uri))
		return db_msg(1, err, errlen, "the information URI '%s' is not an absolute https:// (or http://) "
			      "URI with a host, e.g. https://rootca.gov.vn", in->uri);
	if (in->email && *in->email && !email_address(in->email))
		return db_msg(1, err, errlen, "'%s' is not an e-mail address (name@domain.tld, one '@', "
			      "without mailto:)", in->email);
	return 0;
}

/* The audit detail: what was added, and the seal of the row as stored. */
static int audit_add(struct db *db, const char *actor, const struct db_tsp_input *in, int64_t id,
		     char *err, size_t errlen)
{
	json_t *rows = json_object();
	json_t *o = json_pack("{sI ss ss ss ss so}", "id", (json_int_t)id, "kind", db_tsp_kind_name(in->kind),
			      "name_vi", in->name_vi, "name_en", in->name_en, "country", in->country,
			      "rows", rows);
	int rc = o ? db_seal_tsp(db, id, rows, err, errlen) : db_msg(-1, err, errlen, "out of memory");
	if (rc) {
		json_decref(o);
		return rc;
	}
	char object[32];
	snprintf(object, sizeof object, "tsp:%" PRId64, id);
	return db_audit_append_json(db, actor, "tsp.add", object, o, err, errlen);
}

static int insert(struct db *db, const struct db_tsp_input *in, int64_t *id, char *err, size_t errlen)
{
	int rc = db_stmt_insert(db, "cannot add the TSP",
				"INSERT INTO tsp (kind, name_vi, name_en, trade_name, street, locality, country, "
				"uri, email, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				DB_ARGS(db_arg_int(in->kind), db_arg_text(in->name_vi), db_arg_text(in->name_en),
					db_arg_text_or_null(in->trade_name), db_arg_text(in->street ? in->street : ""),
					db_arg_text(in->locality ? in->locality : ""), db_arg_text(in->country),
					db_arg_text(in->uri ? in->uri : ""), db_arg_text_or_null(in->email),
					db_arg_int(db_now())),
				id, err, errlen);
	if (rc && db_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)
		return db_msg(1, err, errlen, "a TSP named '%s' already exists", in->name_en);
	return rc;
}

int db_tsp_add(struct db *db, const char *actor, const struct db_tsp_input *in, int64_t *id,
	       char *err, size_t errlen)
{
	int rc = db_tsp_validate(in, err, errlen);
	if (rc)
		return rc;
	if (db_begin_write(db, err, errlen))
		return -1;
	struct db_user u;
	rc = db_user_require(db, actor, DB_ROLE_OFFICER, &u, err, errlen);
	if (rc == 0)
		rc = db_tsp_name_free(db, in->name_en, 0, err, errlen);
	if (rc == 0)
		rc = insert(db, in, id, err, errlen);
	if (rc == 0)
		rc = audit_add(db, actor, in, *id, err, errlen);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db, err, errlen);
}

int db_tsp_name_free(struct db *db, const char *name_en, int64_t except_id, char *err, size_t errlen)
{
	int64_t other = 0;
	int rc = db_stmt_int64(db, "cannot check TSP names", "SELECT id FROM tsp_now WHERE name_en = ? AND id <> ?",
			       DB_ARGS(db_arg_text(name_en), db_arg_int(except_id)), &other, err, errlen);
	if (rc == 0)
		return db_msg(1, err, errlen, "a TSP named '%s' already exists (TSP %" PRId64 ")", name_en, other);
	return rc == 1 ? 0 : rc;
}

static int fill(sqlite3_stmt *st, void *elem)
{
	struct db_tsp *t = elem;
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	t->kind = (enum db_tsp_kind)sqlite3_column_int(st, 1);
	t->name_vi = db_column_strdup(st, 2);
	t->name_en = db_column_strdup(st, 3);
	t->trade_name = db_column_strdup_or_null(st, 4);
	t->street = db_column_strdup(st, 5);
	t->locality = db_column_strdup(st, 6);
	snprintf(t->country, sizeof t->country, "%s", (const char *)sqlite3_column_text(st, 7));
	t->uri = db_column_strdup(st, 8);
	t->email = db_column_strdup_or_null(st, 9);
	t->retired = sqlite3_column_int(st, 10);
	return 0;
}

static void clear(void *elem)
{
	db_tsp_clear(elem);
}

/* tsp_now: each TSP as its last approved correction left it. */
#define TSP_COLUMNS "id, kind, name_vi, name_en, trade_name, street, locality, country, uri, email, retired"

/* `sql` binds ?1 (id after) and ?2 (limit, -1 for all). */
static int list_query(struct db *db, const char *sql, int64_t after_id, size_t limit,
		      struct db_tsp **out, size_t *count, char *err, size_t errlen)
{
	void *rows;
	int rc = db_stmt_collect(db, "cannot list TSPs", sql,
				 DB_ARGS(db_arg_int(after_id), db_arg_int(limit ? (int64_t)limit : -1)), sizeof **out,
				 fill, clear, &rows, count, err, errlen);
	*out = rows;
	return rc;
}

int db_tsp_list(struct db *db, struct db_tsp **out, size_t *count, char *err, size_t errlen)
{
	return list_query(db, "SELECT " TSP_COLUMNS " FROM tsp_now WHERE id > ?1 ORDER BY kind, id LIMIT ?2",
			  0, 0, out, count, err, errlen);
}

int db_tsp_list_page(struct db *db, int64_t after_id, size_t limit, struct db_tsp **out,
		     size_t *count, char *err, size_t errlen)
{
	return list_query(db, "SELECT " TSP_COLUMNS " FROM tsp_now WHERE id > ?1 ORDER BY id LIMIT ?2",
			  after_id, limit, out, count, err, errlen);
}

int db_tsp_get(struct db *db, int64_t id, struct db_tsp *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	int rc = db_stmt_one(db, "cannot read the TSP", "SELECT " TSP_COLUMNS " FROM tsp_now WHERE id = ?",
			     DB_ARGS(db_arg_int(id)), fill, out, err, errlen);
	return rc == 1 ? db_msg(1, err, errlen, "no TSP with id %" PRId64, id) : rc;
}

void db_tsp_clear(struct db_tsp *t)
{
	free(t->name_vi);
	free(t->name_en);
	free(t->trade_name);
	free(t->street);
	free(t->locality);
	free(t->uri);
	free(t->email);
	for (size_t j = 0; j < t->service_count; j++) {
		struct db_service *s = &t->services[j];
		free(s->type_uri);
		free(s->name_vi);
		free(s->name_en);
		free(s->cert_der);
		for (size_t k = 0; k < s->timeline_count; k++) {
			free(s->timeline[k].reason);
			free(s->timeline[k].decision_ref);
		}
		free(s->timeline);
	}
	free(t->services);
	memset(t, 0, sizeof *t);
}

void db_tsps_free(struct db_tsp *tsps, size_t count)
{
	for (size_t i = 0; i < count; i++)
		db_tsp_clear(&tsps[i]);
	free(tsps);
}
