/* The services of a list libvntl already accepted, read from its XML: each
 * certificate with its provider, service name and status history, so that
 * `anchors` and `sync` can say which certificate anchors chains at T. Only
 * for lists that verified: the signature covers every element read here. */
#ifndef VNTL_VALIDATE_LIST_SERVICES_H
#define VNTL_VALIDATE_LIST_SERVICES_H

#include <stddef.h>
#include <time.h>
#include <openssl/x509.h>

struct service_period {
	time_t start;
	char status[64];  /* the last segment of the status URI: "granted" */
};

struct list_service {
	X509 *cert;
	char sha256[65];  /* of the certificate's DER */
	char list[64];    /* the list's label ("roots") */
	char provider[256], service[256];
	struct service_period *periods;
	size_t n_periods;
};

/* Appends the services of the list in `path` (each with a certificate) to
 * *out (*n of them). 0, or -1 when the file cannot be parsed. */
int list_services_read(const char *path, const char *label, struct list_service **out, size_t *n);
void list_services_free(struct list_service *s, size_t n);

/* The status in force at `at` (the period with the latest start not after
 * it), or NULL before the first. */
const struct service_period *list_service_status_at(const struct list_service *s, time_t at);

/* Does this status make the certificate an anchor? The same statuses as
 * libvntl's chain checks (granted, recognisedatnationallevel, …). */
int list_status_anchors(const char *status);

/* Does `s` anchor chains at `at`: an anchoring status and a certificate
 * valid at that time. */
int list_service_anchors_at(const struct list_service *s, time_t at);

#endif
