/* /healthz and /metrics bodies (see health.h). */
#include "web/health.h"

#include "common/rfc3339.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *list_json(const struct web_list_info *li, time_t now)
{
	char issued[RFC3339_BUF], next[RFC3339_BUF];
	rfc3339_format(li->issued, issued);
	rfc3339_format(li->next_update, next);
	return json_pack("{s:I, s:s, s:s, s:s, s:I}", "sequence", (json_int_t)li->sequence,
			 "sha256", li->sha256, "issued", issued, "next_update", next,
			 "seconds_to_next_update", (json_int_t)(li->next_update - now));
}

char *web_status_health(const struct web_status_input *in, int *healthy, size_t *len)
{
	json_t *problems = json_array();
	json_t *lists = json_object();
	if (!in->cat)
		json_array_append_new(problems, json_string("no publication has been loaded"));
	if (in->load_error)
		json_array_append_new(problems, json_string(in->load_error));
	if (in->cat && in->cat->pub->degraded && !in->load_error) {
		char msg[600];
		snprintf(msg, sizeof msg, "serving the newest verified archive versions: %s",
			 in->cat->pub->degraded_reason);
		json_array_append_new(problems, json_string(msg));
	}
	if (in->file_problem)
		json_array_append_new(problems, json_string(in->file_problem));
	for (size_t i = 0; in->cat && i < in->cat->pub->list_count; i++) {
		const struct web_list_info *li = &in->cat->pub->lists[i];
		json_object_set_new(lists, li->name, list_json(li, in->now));
		if (li->next_update <= in->now) {
			char msg[96];
			snprintf(msg, sizeof msg, "list %s is past its NextUpdate", li->name);
			json_array_append_new(problems, json_string(msg));
		}
	}
	*healthy = json_array_size(problems) == 0;
	json_t *root = json_pack("{s:s, s:b, s:o, s:o}", "status", *healthy ? "ok" : "unhealthy",
				 "degraded", in->cat && in->cat->pub->degraded, "problems", problems,
				 "lists", lists);
	char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	if (text)
		*len = strlen(text);
	return text;
}

char *web_status_metrics(const struct web_status_input *in, const struct web_metrics *m,
			 size_t *len)
{
	struct sbuf out = {0};
	web_metrics_render(m, &out);
	sbuf_printf(&out,
		    "# HELP vntld_publication_ok 1 when the last load of the publication succeeded.\n"
		    "# TYPE vntld_publication_ok gauge\nvntld_publication_ok %d\n"
		    "# HELP vntld_publication_degraded 1 while the lists served are the newest verified archive versions.\n"
		    "# TYPE vntld_publication_degraded gauge\nvntld_publication_degraded %d\n"
		    "# HELP vntld_publication_files_bad 1 while a served file on disk is not the verified one.\n"
		    "# TYPE vntld_publication_files_bad gauge\nvntld_publication_files_bad %d\n"
		    "# HELP vntld_connections Connections open now.\n"
		    "# TYPE vntld_connections gauge\nvntld_connections %u\n",
		    in->cat && !in->load_error, in->cat && in->cat->pub->degraded,
		    in->file_problem != NULL, in->connections);
	if (in->cat) {
		const struct web_publication *pub = in->cat->pub;
		sbuf_add(&out, "# HELP vntld_list_sequence TSLSequenceNumber of the list served.\n"
			       "# TYPE vntld_list_sequence gauge\n");
		for (size_t i = 0; i < pub->list_count; i++)
			sbuf_printf(&out, "vntld_list_sequence{list=\"%s\"} %lld\n", pub->lists[i].name,
				    pub->lists[i].sequence);
		sbuf_add(&out, "# HELP vntld_list_next_update_seconds Seconds until the served list's NextUpdate (negative: past).\n"
			       "# TYPE vntld_list_next_update_seconds gauge\n");
		for (size_t i = 0; i < pub->list_count; i++)
			sbuf_printf(&out, "vntld_list_next_update_seconds{list=\"%s\"} %lld\n",
				    pub->lists[i].name, (long long)(pub->lists[i].next_update - in->now));
		sbuf_printf(&out, "# HELP vntld_files_served Files in the served publication.\n"
				  "# TYPE vntld_files_served gauge\nvntld_files_served %zu\n"
				  "# HELP vntld_files_skipped Files left out because their name or bytes were wrong.\n"
				  "# TYPE vntld_files_skipped gauge\nvntld_files_skipped %zu\n",
			    pub->file_count, pub->skipped_files);
	}
	return sbuf_finish(&out, len);
}
