/* Results as JSON (jansson) and as text for people. */
#include "vv_internal.h"

#include <stdio.h>
#include <string.h>
#include <jansson.h>

static json_t *time_json(time_t t)
{
	char buf[32];
	if (t == 0)
		return json_null();
	vv_format_time(t, buf, sizeof buf);
	return json_string(buf);
}

static json_t *cert_json(const vntl_cert_info *c)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s}", "subject", c->subject, "issuer",
	                 c->issuer, "serial", c->serial, "not_before", time_json(c->not_before),
	                 "not_after", time_json(c->not_after), "sha256", c->sha256);
}

char *vntl_result_to_json(const vntl_result *r)
{
	if (!r)
		return NULL;
	json_t *chain = json_array();
	for (size_t i = 0; chain && i < r->chain_len; i++)
		json_array_append_new(chain, cert_json(&r->chain[i]));
	json_t *root = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:{s:s, s:s, s:o}, s:{s:s, s:o},"
	    " s:{s:s, s:s, s:s, s:o, s:b}}",
	    "indication", vntl_indication_name(r->indication),
	    "sub_indication", r->sub_indication,
	    "reason", r->reason,
	    "reason_en", r->reason_en,
	    "language", r->language == VNTL_LANG_VI ? "vi" : "en",
	    "time", time_json(r->at),
	    "chain", chain ? chain : json_array(),
	    "anchor", "source", r->anchor_source, "status", r->anchor_status,
	    "status_since", time_json(r->anchor_status_since),
	    "revocation", "source", r->revocation_source, "time", time_json(r->revocation_time),
	    "display", "verdict", r->verdict,
	    "issuer_organisation", r->issuer_organisation, "subject", r->subject_display,
	    "time", time_json(r->at), "valid_at_time", r->valid_at_time);
	char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(root);
	return text;
}
