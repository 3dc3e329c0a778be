/* Finding the texts a list cannot carry (see doctor.h). */
#include "db/doctor.h"

#include "db/certs.h"
#include "db/text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct faults {
	struct db_text_fault *v;
	size_t count, cap;
	int oom;
};

static struct db_text_fault *next_fault(struct faults *f)
{
	if (f->count == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 8;
		struct db_text_fault *grown = realloc(f->v, cap * sizeof *grown);
		if (!grown) {
			f->oom = 1;
			return NULL;
		}
		f->v = grown;
		f->cap = cap;
	}
	struct db_text_fault *x = &f->v[f->count++];
	memset(x, 0, sizeof *x);
	return x;
}

/* The option of `vntl tsp edit` for a TSP field. */
static const char *edit_option(const char *field)
{
	static const char *const map[][2] = {{"name_vi", "--name-vi"}, {"name_en", "--name-en"},
					     {"trade_name", "--trade-name"}, {"street", "--street"},
					     {"locality", "--locality"}, {"uri", "--uri"}, {"email", "--email"}};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(field, map[i][0]) == 0)
			return map[i][1];
	return "--name-en";
}

static void check(struct faults *f, const struct db_tsp *t, const struct db_service *s,
		  const struct db_status_entry *e, const char *field, const char *value, size_t max, unsigned flags)
{
	char msg[300];
	if (!value || db_text_check(field, value, max, flags, msg, sizeof msg) == 0)
		return;
	struct db_text_fault *x = next_fault(f);
	if (!x)
		return;
	x->kind = t->kind;
	x->tsp_id = t->id;
	x->service_id = s ? s->id : 0;
	x->status_id = e ? e->id : 0;
	snprintf(x->field, sizeof x->field, "%s", field);
	snprintf(x->message, sizeof x->message, "%s", msg);
	/* the TSP's name only when it is printable itself */
	if (!s && db_text_check("name_en", t->name_en, DB_TEXT_NAME_MAX, 0, NULL, 0) == 0)
		snprintf(x->where, sizeof x->where, "TSP %" PRId64 " (%.60s)", t->id, t->name_en);
	else if (!s)
		snprintf(x->where, sizeof x->where, "TSP %" PRId64, t->id);
	else if (!e)
		snprintf(x->where, sizeof x->where, "service %" PRId64 " of TSP %" PRId64, s->id, t->id);
	else
		snprintf(x->where, sizeof x->where, "status entry %" PRId64 " of service %" PRId64 " (TSP %" PRId64 ")",
			 e->id, s->id, t->id);
	if (!s)
		snprintf(x->repair, sizeof x->repair, "vntl --as OFFICER tsp edit %" PRId64 " %s 'CORRECT TEXT' "
			 "--reason '...'%s, then another approver: vntl --as APPROVER correction approve ID",
			 t->id, edit_option(field),
			 strcmp(field, "trade_name") == 0 || strcmp(field, "email") == 0 ? " (or '' to remove it)" : "");
	else if (!e)
		snprintf(x->repair, sizeof x->repair, "vntl --as OFFICER cert rename %" PRId64 " --%s 'CORRECT TEXT' "
			 "--reason '...', then another approver: vntl --as APPROVER correction approve ID", s->id,
			 strcmp(field, "name_vi") == 0 ? "name-vi" : "name-en");
	else
		snprintf(x->repair, sizeof x->repair, "a status entry is published history and no correction "
			 "rewrites it: restore the registry from a backup made before it was recorded, or ask the "
			 "vntl maintainers; the other lists publish meanwhile");
}

int db_text_faults(const struct db_snapshot *snap, struct db_text_fault **out, size_t *count)
{
	struct faults f = {0};
	for (size_t i = 0; i < snap->tsp_count; i++) {
		const struct db_tsp *t = &snap->tsps[i];
		if (t->retired)
			continue;
		const struct { const char *field, *value; } texts[] = {
			{"name_vi", t->name_vi}, {"name_en", t->name_en}, {"trade_name", t->trade_name},
			{"street", t->street}, {"locality", t->locality}, {"uri", t->uri}, {"email", t->email}};
		for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
			check(&f, t, NULL, NULL, texts[k].field, texts[k].value, DB_TEXT_NAME_MAX, 0);
		for (size_t j = 0; j < t->service_count; j++) {
			const struct db_service *s = &t->services[j];
			check(&f, t, s, NULL, "name_vi", s->name_vi, DB_TEXT_NAME_MAX, 0);
			check(&f, t, s, NULL, "name_en", s->name_en, DB_TEXT_NAME_MAX, 0);
			for (size_t k = 0; k < s->timeline_count; k++)
				check(&f, t, s, &s->timeline[k], "decision_ref", s->timeline[k].decision_ref,
				      DB_TEXT_REF_MAX, 0);
		}
	}
	if (f.oom) {
		free(f.v);
		*out = NULL;
		*count = 0;
		return -1;
	}
	*out = f.v;
	*count = f.count;
	return 0;
}
