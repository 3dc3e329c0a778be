/* Self-check of a signed list (see self_check.h): the validator library,
 * the rules every relying party applies, with vntl's own profile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>

#include "common/sizes.h"
#include "publisher/self_check.h"
#include "vntl.h"

/* The list as libvntl reads it: vntl's profile, the signer pinned, judged
 * at now. */
static int check_with_validator(const unsigned char *xml, size_t len, X509 *signer, int64_t now,
				vntl_list_info *info, char *why, size_t whylen)
{
	vntl_ctx *ctx = NULL;
	vntl_error verr = {"", ""};
	unsigned char *der = NULL;
	int der_len = i2d_X509(signer, &der);
	vntl_status st = der_len > 0 ? vntl_ctx_new(&ctx, &verr) : VNTL_ERR_INTERNAL;
	if (st == VNTL_OK) {
		/* No log callback: a refusal comes back in why; the publisher
		 * consents to the load thread (large lists verify faster). */
		vntl_ctx_set_threads(ctx, 1);
		st = vntl_ctx_use_vntl_profile(ctx, &verr);
	}
	if (st == VNTL_OK) {
		vntl_ctx_set_list_time(ctx, (time_t)now);
		st = vntl_ctx_add_signer_der(ctx, der, (size_t)der_len, &verr);
	}
	if (st == VNTL_OK)
		st = vntl_ctx_load_list_memory(ctx, xml, len, "the list to publish", info, &verr);
	if (st != VNTL_OK)
		snprintf(why, whylen, "the validator refuses it (%s): %s",
			 verr.rule[0] ? verr.rule : "internal", verr.reason);
	vntl_ctx_free(ctx);
	OPENSSL_free(der);
	return st == VNTL_OK ? 0 : -1;
}

static int check_sequence(const vntl_list_info *info, int64_t last_sequence, int64_t now,
			  char *why, size_t whylen)
{
	if (info->sequence <= last_sequence) {
		snprintf(why, whylen, "sequence number %lld is not greater than the last published %lld",
			 info->sequence, (long long)last_sequence);
		return -1;
	}
	if ((int64_t)info->next_update <= now) {
		snprintf(why, whylen, "NextUpdate is not in the future");
		return -1;
	}
	return 0;
}

int publisher_self_check(const unsigned char *xml, size_t len, X509 *signer,
			 int64_t last_sequence, int64_t now, char *err, size_t errlen)
{
	char why[VNTL_ERR_MAX] = "";
	vntl_list_info info = { .size = sizeof info };
	int rc = check_with_validator(xml, len, signer, now, &info, why, sizeof why);
	if (rc == 0)
		rc = check_sequence(&info, last_sequence, now, why, sizeof why);
	if (rc < 0)
		snprintf(err, errlen, "self-check: %s", why);
	return rc;
}
