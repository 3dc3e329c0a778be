/* The anchors of one chain check, handed to OpenSSL as a stack it searches
 * as it is. Filling an X509_STORE instead costs OpenSSL 3.0 quadratic time
 * to deduplicate: 3 s for 10,000 anchors, on every check. A context that
 * OpenSSL makes on its own (to validate the path of a CRL's issuer) knows
 * only the store, so the store carries the stack too and hands it to such
 * a context on its first lookup. */
#include "vv_internal.h"

#include <pthread.h>
#include <openssl/x509_vfy.h>

static pthread_once_t index_once = PTHREAD_ONCE_INIT;
static int stack_index = -1;

static void make_index(void)
{
	stack_index = X509_STORE_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

static void use_anchor_stack(X509_STORE_CTX *ctx)
{
	X509_STORE_CTX_set0_trusted_stack(
		ctx, X509_STORE_get_ex_data(X509_STORE_CTX_get0_store(ctx), stack_index));
}

/* OpenSSL's own stack lookups take over once the stack is set. */
static int first_get_issuer(X509 **issuer, X509_STORE_CTX *ctx, X509 *x)
{
	use_anchor_stack(ctx);
	return X509_STORE_CTX_get_get_issuer(ctx)(issuer, ctx, x);
}

static STACK_OF(X509) *first_lookup_certs(X509_STORE_CTX *ctx, const X509_NAME *name)
{
	use_anchor_stack(ctx);
	return X509_STORE_CTX_get_lookup_certs(ctx)(ctx, name);
}

X509_STORE *vv_trust_store_new(STACK_OF(X509) *anchors)
{
	pthread_once(&index_once, make_index);
	X509_STORE *store = stack_index >= 0 ? X509_STORE_new() : NULL;
	if (store && !X509_STORE_set_ex_data(store, stack_index, anchors)) {
		X509_STORE_free(store);
		return NULL;
	}
	if (store) {
		X509_STORE_set_get_issuer(store, first_get_issuer);
		X509_STORE_set_lookup_certs(store, first_lookup_certs);
	}
	return store;
}

int vv_trust_ctx_init(X509_STORE_CTX *ctx, X509_STORE *store, X509 *leaf,
                      STACK_OF(X509) *untrusted)
{
	if (!X509_STORE_CTX_init(ctx, store, leaf, untrusted))
		return 0;
	use_anchor_stack(ctx);
	return 1;
}
