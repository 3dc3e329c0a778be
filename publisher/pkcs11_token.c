/* A token's private key for one publication, the module's functions called
 * directly, the URI parsed and matched by p11-kit: see pkcs11_token.h. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <p11-kit/p11-kit.h>
#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>

#include "publisher/pkcs11_token.h"

struct pkcs11_token {
	void *library;         /* dlopen'ed module */
	CK_FUNCTION_LIST *module;
	int finalize;          /* this open initialised the module: close finalises it */
	CK_SESSION_HANDLE session;
	int has_session, logged_in;
	CK_OBJECT_HANDLE key;
	enum pkcs11_key_kind kind;
};

/* The token's reason, with the words the README's table uses for a PIN. */
static const char *ckr_text(CK_RV rv)
{
	switch (rv) {
	case CKR_PIN_INCORRECT: return "PIN incorrect";
	case CKR_PIN_LOCKED: return "PIN locked";
	case CKR_PIN_EXPIRED: return "PIN expired";
	default: return p11_kit_strerror(rv);
	}
}

/* dlopen rather than p11_kit_module_load, which refuses p11-kit's own
 * proxy (the default module) as a module to load. */
static int start_module(struct pkcs11_token *t, const char *module, char *err, size_t errlen)
{
	CK_C_GetFunctionList get_list = NULL;
	t->library = dlopen(module, RTLD_NOW | RTLD_LOCAL);
	if (t->library)
		*(void **)&get_list = dlsym(t->library, "C_GetFunctionList");
	if (!get_list || get_list(&t->module) != CKR_OK || !t->module) {
		snprintf(err, errlen, "PKCS#11 module %s: cannot load it (%s)", module,
			 t->library ? "no C_GetFunctionList" : dlerror());
		t->module = NULL;
		return -1;
	}
	CK_C_INITIALIZE_ARGS args = {.flags = CKF_OS_LOCKING_OK};
	CK_RV rv = t->module->C_Initialize(&args);
	/* already initialised by another user in this process: use it,
	 * leave it to its owner */
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		snprintf(err, errlen, "PKCS#11 module %s: C_Initialize failed (%s)", module, p11_kit_strerror(rv));
		return -1;
	}
	t->finalize = rv == CKR_OK;
	return 0;
}

/* The slots whose token the URI matches, in *slots (malloc'd). */
static int matching_slots(struct pkcs11_token *t, P11KitUri *uri, CK_SLOT_ID **slots, CK_ULONG *count)
{
	CK_FUNCTION_LIST *m = t->module;
	CK_INFO info;
	CK_ULONG n = 0, kept = 0;
	*slots = NULL;
	*count = 0;
	if (m->C_GetInfo(&info) != CKR_OK || !p11_kit_uri_match_module_info(uri, &info))
		return 0;
	if (m->C_GetSlotList(CK_TRUE, NULL, &n) != CKR_OK || n == 0)
		return 0;
	CK_SLOT_ID *all = calloc(n, sizeof *all);
	if (!all || m->C_GetSlotList(CK_TRUE, all, &n) != CKR_OK) {
		free(all);
		return -1;
	}
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO token;
		if (m->C_GetTokenInfo(all[i], &token) == CKR_OK && p11_kit_uri_match_token_info(uri, &token))
			all[kept++] = all[i];
	}
	*slots = all;
	*count = kept;
	return 0;
}

/* The private keys matching the URI's object attributes in the open
 * session: 0 with *found (0, 1 or 2 = more than one), or -1. */
static int find_key(struct pkcs11_token *t, P11KitUri *uri, int *found)
{
	CK_ULONG n_attrs = 0;
	CK_ATTRIBUTE *attrs = p11_kit_uri_get_attributes(uri, &n_attrs);
	CK_OBJECT_CLASS private_key = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE template[16];
	CK_ULONG n = 0;
	for (CK_ULONG i = 0; i < n_attrs && n < 15; i++)
		if (attrs[i].type != CKA_CLASS)
			template[n++] = attrs[i];
	template[n++] = (CK_ATTRIBUTE){CKA_CLASS, &private_key, sizeof private_key};
	CK_OBJECT_HANDLE keys[2];
	CK_ULONG got = 0;
	CK_FUNCTION_LIST *m = t->module;
	if (m->C_FindObjectsInit(t->session, template, n) != CKR_OK)
		return -1;
	CK_RV rv = m->C_FindObjects(t->session, keys, 2, &got);
	m->C_FindObjectsFinal(t->session);
	if (rv != CKR_OK)
		return -1;
	*found = (int)got;
	t->key = keys[0];
	return 0;
}

static int read_key_kind(struct pkcs11_token *t, const char *uri_text, char *err, size_t errlen)
{
	CK_KEY_TYPE type = 0;
	CK_ATTRIBUTE attr = {CKA_KEY_TYPE, &type, sizeof type};
	if (t->module->C_GetAttributeValue(t->session, t->key, &attr, 1) == CKR_OK &&
	    (type == CKK_RSA || type == CKK_EC)) {
		t->kind = type == CKK_RSA ? PKCS11_KEY_RSA : PKCS11_KEY_EC;
		return 0;
	}
	snprintf(err, errlen, "signing key %s: only RSA and ECDSA keys are allowed", uri_text);
	return -1;
}

/* Log in to the token in `slot` and look for the key there: 1 found, 0
 * not there (the session is closed again), -1 with `err`. */
static int try_slot(struct pkcs11_token *t, CK_SLOT_ID slot, P11KitUri *uri, const char *uri_text,
		    const char *pin, char *err, size_t errlen)
{
	CK_FUNCTION_LIST *m = t->module;
	if (m->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &t->session) != CKR_OK)
		return 0;
	t->has_session = 1;
	CK_RV rv = m->C_Login(t->session, CKU_USER, (CK_UTF8CHAR_PTR)pin, (CK_ULONG)strlen(pin));
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
		snprintf(err, errlen, "signing key %s: the token refused the login (%s): check the PIN "
				      "(publish.pin_file or VNTL_PKCS11_PIN)", uri_text, ckr_text(rv));
		return -1;
	}
	t->logged_in = rv == CKR_OK;
	int found = 0;
	if (find_key(t, uri, &found) < 0 || found == 0) {
		if (t->logged_in)
			m->C_Logout(t->session);
		m->C_CloseSession(t->session);
		t->has_session = t->logged_in = 0;
		return 0;
	}
	if (found > 1) {
		snprintf(err, errlen, "signing key %s: several private keys match it: name one (object= and id=)",
			 uri_text);
		return -1;
	}
	return read_key_kind(t, uri_text, err, errlen) < 0 ? -1 : 1;
}

static int find_token_key(struct pkcs11_token *t, const char *uri_text, const char *module, const char *pin,
			  char *err, size_t errlen)
{
	P11KitUri *uri = p11_kit_uri_new();
	int prc = uri ? p11_kit_uri_parse(uri_text, P11_KIT_URI_FOR_OBJECT_ON_TOKEN_AND_MODULE, uri) : P11_KIT_URI_NO_MEMORY;
	if (prc != P11_KIT_URI_OK) {
		snprintf(err, errlen, "publish.key = %s: not a PKCS#11 URI (%s)", uri_text, p11_kit_uri_message(prc));
		p11_kit_uri_free(uri);
		return -1;
	}
	CK_SLOT_ID *slots = NULL;
	CK_ULONG count = 0;
	int rc = matching_slots(t, uri, &slots, &count) < 0 ? -1 : 0;
	for (CK_ULONG i = 0; rc == 0 && i < count; i++)
		rc = try_slot(t, slots[i], uri, uri_text, pin, err, errlen);
	if (rc == 0)
		snprintf(err, errlen, "signing key %s: no private key matches it through %s "
				      "(no such token or object, or the token is not present)", uri_text, module);
	free(slots);
	p11_kit_uri_free(uri);
	return rc == 1 ? 0 : -1;
}

int pkcs11_token_open(const char *uri, const char *module, const char *pin, struct pkcs11_token **out,
		      char *err, size_t errlen)
{
	*out = NULL;
	struct pkcs11_token *t = calloc(1, sizeof *t);
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (start_module(t, module, err, errlen) < 0 || find_token_key(t, uri, module, pin, err, errlen) < 0) {
		pkcs11_token_close(t);
		return -1;
	}
	*out = t;
	return 0;
}

enum pkcs11_key_kind pkcs11_token_key_kind(const struct pkcs11_token *t)
{
	return t->kind;
}

int pkcs11_token_sign(struct pkcs11_token *t, const unsigned char *in, size_t in_len, unsigned char **out,
		      size_t *out_len, char *err, size_t errlen)
{
	CK_MECHANISM mech = {t->kind == PKCS11_KEY_RSA ? CKM_RSA_PKCS : CKM_ECDSA, NULL, 0};
	CK_FUNCTION_LIST *m = t->module;
	CK_ULONG len = 0;
	unsigned char *sig = NULL;
	CK_RV rv = m->C_SignInit(t->session, &mech, t->key);
	if (rv == CKR_OK)
		rv = m->C_Sign(t->session, (CK_BYTE_PTR)in, (CK_ULONG)in_len, NULL, &len);
	/* (the session is closed with the publication, so an allocation that
	 * fails here leaves no operation behind for long) */
	if (rv == CKR_OK && (sig = OPENSSL_malloc(len ? len : 1)) == NULL)
		rv = CKR_HOST_MEMORY;
	if (rv == CKR_OK)
		rv = m->C_Sign(t->session, (CK_BYTE_PTR)in, (CK_ULONG)in_len, sig, &len);
	if (rv != CKR_OK) {
		OPENSSL_free(sig);
		snprintf(err, errlen, "the key did not sign (%s)", p11_kit_strerror(rv));
		return -1;
	}
	*out = sig;
	*out_len = len;
	return 0;
}

/* One attribute of `object` in *value (malloc'd); -1 when the token does
 * not show it. */
static int read_attribute(struct pkcs11_token *t, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type,
			  unsigned char **value, CK_ULONG *len)
{
	CK_ATTRIBUTE attr = {type, NULL, 0};
	*value = NULL;
	if (t->module->C_GetAttributeValue(t->session, object, &attr, 1) != CKR_OK ||
	    attr.ulValueLen == CK_UNAVAILABLE_INFORMATION || attr.ulValueLen == 0)
		return -1;
	attr.pValue = *value = malloc(attr.ulValueLen);
	if (!*value || t->module->C_GetAttributeValue(t->session, object, &attr, 1) != CKR_OK) {
		free(*value);
		*value = NULL;
		return -1;
	}
	*len = attr.ulValueLen;
	return 0;
}

/* The public key object of the key pair (same CKA_ID and key type), or the
 * private key object itself when the token keeps none. */
static CK_OBJECT_HANDLE public_object(struct pkcs11_token *t)
{
	unsigned char *id = NULL;
	CK_ULONG id_len = 0;
	if (read_attribute(t, t->key, CKA_ID, &id, &id_len) < 0)
		return t->key;
	CK_OBJECT_CLASS public_key = CKO_PUBLIC_KEY;
	CK_KEY_TYPE type = t->kind == PKCS11_KEY_RSA ? CKK_RSA : CKK_EC;
	CK_ATTRIBUTE template[] = {{CKA_CLASS, &public_key, sizeof public_key},
				   {CKA_KEY_TYPE, &type, sizeof type},
				   {CKA_ID, id, id_len}};
	CK_OBJECT_HANDLE found = t->key, object;
	CK_ULONG got = 0;
	CK_FUNCTION_LIST *m = t->module;
	if (m->C_FindObjectsInit(t->session, template, 3) == CKR_OK) {
		if (m->C_FindObjects(t->session, &object, 1, &got) == CKR_OK && got == 1)
			found = object;
		m->C_FindObjectsFinal(t->session);
	}
	free(id);
	return found;
}

static EVP_PKEY *key_from_params(const char *type, const OSSL_PARAM *params)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *pkey = NULL;
	if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, (OSSL_PARAM *)params);
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

static EVP_PKEY *rsa_public_key(struct pkcs11_token *t, CK_OBJECT_HANDLE object)
{
	unsigned char *n = NULL, *e = NULL;
	CK_ULONG n_len = 0, e_len = 0;
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;
	if (read_attribute(t, object, CKA_MODULUS, &n, &n_len) == 0 &&
	    read_attribute(t, object, CKA_PUBLIC_EXPONENT, &e, &e_len) == 0 &&
	    (bn_n = BN_bin2bn(n, (int)n_len, NULL)) && (bn_e = BN_bin2bn(e, (int)e_len, NULL)) &&
	    (bld = OSSL_PARAM_BLD_new()) && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1 && (params = OSSL_PARAM_BLD_to_param(bld)))
		pkey = key_from_params("RSA", params);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_n);
	BN_free(bn_e);
	free(n);
	free(e);
	return pkey;
}

/* CKA_EC_PARAMS names the curve (an OID); CKA_EC_POINT is the point in a
 * DER OCTET STRING (PKCS#11 2.40), or bare from older tokens. */
static EVP_PKEY *ec_public_key(struct pkcs11_token *t, CK_OBJECT_HANDLE object)
{
	unsigned char *ec_params = NULL, *ec_point = NULL;
	CK_ULONG params_len = 0, point_len = 0;
	ASN1_OBJECT *curve = NULL;
	ASN1_OCTET_STRING *wrapped = NULL;
	EVP_PKEY *pkey = NULL;
	if (read_attribute(t, object, CKA_EC_PARAMS, &ec_params, &params_len) == 0 &&
	    read_attribute(t, object, CKA_EC_POINT, &ec_point, &point_len) == 0) {
		const unsigned char *p = ec_params;
		curve = d2i_ASN1_OBJECT(NULL, &p, (long)params_len);
		const char *name = curve ? OBJ_nid2sn(OBJ_obj2nid(curve)) : NULL;
		p = ec_point;
		wrapped = d2i_ASN1_OCTET_STRING(NULL, &p, (long)point_len);
		int is_wrapped = wrapped && p == ec_point + point_len;
		OSSL_PARAM params[] = {
			OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)(name ? name : ""), 0),
			OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
							  is_wrapped ? (void *)ASN1_STRING_get0_data(wrapped) : ec_point,
							  is_wrapped ? (size_t)ASN1_STRING_length(wrapped) : point_len),
			OSSL_PARAM_construct_end()};
		if (name)
			pkey = key_from_params("EC", params);
	}
	ASN1_OCTET_STRING_free(wrapped);
	ASN1_OBJECT_free(curve);
	free(ec_params);
	free(ec_point);
	return pkey;
}

int pkcs11_token_public_key(struct pkcs11_token *t, EVP_PKEY **out, char *err, size_t errlen)
{
	CK_OBJECT_HANDLE object = public_object(t);
	*out = t->kind == PKCS11_KEY_RSA ? rsa_public_key(t, object) : ec_public_key(t, object);
	ERR_clear_error();
	if (*out)
		return 0;
	snprintf(err, errlen, "the token shows no public key for this %s key (no public key object with its "
			      "CKA_ID)", t->kind == PKCS11_KEY_RSA ? "RSA" : "EC");
	return -1;
}

void pkcs11_token_close(struct pkcs11_token *t)
{
	if (!t)
		return;
	if (t->module) {
		if (t->logged_in)
			t->module->C_Logout(t->session);
		if (t->has_session)
			t->module->C_CloseSession(t->session);
		if (t->finalize)
			t->module->C_Finalize(NULL);
	}
	if (t->library)
		dlclose(t->library);
	free(t);
}
