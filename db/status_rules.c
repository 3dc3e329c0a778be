/* Names of statuses and TSP kinds, and which status changes are legal. */
#include "db/changes.h"
#include "db/certs.h"

#include <string.h>

static const char *const status_names[] = {
	[DB_STATUS_GRANTED] = "granted",
	[DB_STATUS_WITHDRAWN] = "withdrawn",
	[DB_STATUS_RECOGNISED] = "recognised",
	[DB_STATUS_SUSPENDED] = "suspended",
};

const char *db_status_name(enum db_status s)
{
	return s >= DB_STATUS_GRANTED && s <= DB_STATUS_SUSPENDED ? status_names[s] : "none";
}

int db_status_parse(const char *text, enum db_status *out)
{
	for (int s = DB_STATUS_GRANTED; s <= DB_STATUS_SUSPENDED; s++)
		if (text && strcmp(text, status_names[s]) == 0) {
			*out = (enum db_status)s;
			return 0;
		}
	return 1;
}

static const char *const kind_names[] = {
	[DB_TSP_NEAC] = "neac",
	[DB_TSP_GOV_CA] = "gov-ca",
	[DB_TSP_PUBLIC_CA] = "public-ca",
	[DB_TSP_FOREIGN] = "foreign",
};

const char *db_tsp_kind_name(enum db_tsp_kind k)
{
	return k >= DB_TSP_NEAC && k <= DB_TSP_FOREIGN ? kind_names[k] : "unknown";
}

int db_tsp_kind_parse(const char *text, enum db_tsp_kind *out)
{
	for (int k = DB_TSP_NEAC; k <= DB_TSP_FOREIGN; k++)
		if (text && strcmp(text, kind_names[k]) == 0) {
			*out = (enum db_tsp_kind)k;
			return 0;
		}
	return 1;
}

enum db_status db_initial_status(enum db_tsp_kind kind)
{
	return kind == DB_TSP_FOREIGN ? DB_STATUS_RECOGNISED : DB_STATUS_GRANTED;
}

/* A withdrawal made by mistake is corrected like any change: a new entry
 * that reinstates the first status, from its own effective time, under
 * four eyes (the published history keeps the withdrawal). */
int db_status_transition_allowed(enum db_tsp_kind kind, enum db_status from, enum db_status to)
{
	if (kind == DB_TSP_FOREIGN) {
		switch (from) {
		case DB_STATUS_RECOGNISED: return to == DB_STATUS_SUSPENDED || to == DB_STATUS_WITHDRAWN;
		case DB_STATUS_SUSPENDED: return to == DB_STATUS_RECOGNISED || to == DB_STATUS_WITHDRAWN;
		case DB_STATUS_WITHDRAWN: return to == DB_STATUS_RECOGNISED;
		default: return 0;
		}
	}
	return (from == DB_STATUS_GRANTED && to == DB_STATUS_WITHDRAWN) ||
	       (from == DB_STATUS_WITHDRAWN && to == DB_STATUS_GRANTED);
}
