/* A small cache of parsed intermediate certificates and CRLs, keyed by file
 * path and (inode, size, mtime): signing software checks many leaves
 * against the same intermediates and CRLs, and decoding them is most of
 * the cost of a check in OpenSSL 3.  Leaves are never cached.  Shared by
 * threads behind a mutex; a changed file is read again. */
#include "vv_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CACHE_SLOTS 64

struct slot {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int is_crl;
	STACK_OF(X509) *certs;
	STACK_OF(X509_CRL) *crls;
	unsigned long long used;
};

struct vv_input_cache {
	pthread_mutex_t lock;
	struct slot slots[CACHE_SLOTS];
	unsigned long long clock;
};

vv_input_cache *vv_input_cache_new(void)
{
	vv_input_cache *c = calloc(1, sizeof *c);
	if (c && pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

static void slot_clear(struct slot *s)
{
	free(s->path);
	sk_X509_pop_free(s->certs, X509_free);
	sk_X509_CRL_pop_free(s->crls, X509_CRL_free);
	memset(s, 0, sizeof *s);
}

void vv_input_cache_free(vv_input_cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++)
		slot_clear(&c->slots[i]);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static int same_file(const struct slot *s, const char *path, const struct stat *st, int is_crl)
{
	return s->path && s->is_crl == is_crl && strcmp(s->path, path) == 0 && s->dev == st->st_dev &&
	       s->ino == st->st_ino && s->size == st->st_size &&
	       s->mtime.tv_sec == st->st_mtim.tv_sec && s->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

static void copy_out(const struct slot *s, STACK_OF(X509) *certs, STACK_OF(X509_CRL) *crls)
{
	for (int i = 0; s->certs && i < sk_X509_num(s->certs); i++) {
		X509 *x = sk_X509_value(s->certs, i);
		if (X509_up_ref(x) && !sk_X509_push(certs, x))
			X509_free(x);
	}
	for (int i = 0; s->crls && i < sk_X509_CRL_num(s->crls); i++) {
		X509_CRL *x = sk_X509_CRL_value(s->crls, i);
		if (X509_CRL_up_ref(x) && !sk_X509_CRL_push(crls, x))
			X509_CRL_free(x);
	}
}

/* Load path (certificates, or CRLs if is_crl) into certs / crls. */
vntl_status vv_input_cache_load(vv_input_cache *c, const char *path, int is_crl,
                                STACK_OF(X509) *certs, STACK_OF(X509_CRL) *crls, vntl_error *err)
{
	struct stat st;
	if (!c || stat(path, &st) != 0)
		return is_crl ? vv_load_crls(path, crls, err) : vv_load_certs(path, certs, err);
	pthread_mutex_lock(&c->lock);
	struct slot *victim = &c->slots[0];
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct slot *s = &c->slots[i];
		if (same_file(s, path, &st, is_crl)) {
			s->used = ++c->clock;
			copy_out(s, certs, crls);
			pthread_mutex_unlock(&c->lock);
			return VNTL_OK;
		}
		if (s->used < victim->used)
			victim = s;
	}
	pthread_mutex_unlock(&c->lock);
	/* Parse outside the lock; a racing thread may parse the same file too. */
	struct slot fresh = { .is_crl = is_crl, .dev = st.st_dev, .ino = st.st_ino,
		.size = st.st_size, .mtime = st.st_mtim };
	fresh.path = strdup(path);
	fresh.certs = sk_X509_new_null();
	fresh.crls = sk_X509_CRL_new_null();
	vntl_status rc = !fresh.path || !fresh.certs || !fresh.crls
	    ? vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "caching %s", path)
	    : is_crl ? vv_load_crls(path, fresh.crls, err) : vv_load_certs(path, fresh.certs, err);
	if (rc != VNTL_OK) {
		slot_clear(&fresh);
		return rc;
	}
	copy_out(&fresh, certs, crls);
	pthread_mutex_lock(&c->lock);
	slot_clear(victim);
	fresh.used = ++c->clock;
	*victim = fresh;
	pthread_mutex_unlock(&c->lock);
	return VNTL_OK;
}
