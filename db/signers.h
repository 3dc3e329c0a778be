/* The list signers kept in the registry, for a key ceremony and a rollover
 * that relying parties follow (README "Key ceremony and signer rollover").
 *
 * Every step is a correction under four eyes (corrections.h: an officer
 * proposes, another approver applies it), audited like the others:
 *   signer.register  a key (a PEM file path or a pkcs11: URI) and its certificate
 *   signer.announce  the certificate is named beside the current signer's in
 *                    the pointer list and the signed index
 *   signer.switch    lists are signed with it from now on; the signer it
 *                    replaces stays announced, as previous, until retired
 *   signer.retire    an announced or previous signer is announced no more
 * While no signer was ever switched to, the configuration's publish.key and
 * publish.cert sign (the bootstrap signer).
 */
#ifndef VNTL_DB_SIGNERS_H
#define VNTL_DB_SIGNERS_H

#include <stddef.h>
#include <stdint.h>

struct db;

enum db_signer_state {
	DB_SIGNER_REGISTERED = 0, /* known, not yet named in any list */
	DB_SIGNER_ANNOUNCED,      /* named in the lists as the next signer */
	DB_SIGNER_ACTIVE,         /* signs the lists */
	DB_SIGNER_PREVIOUS,       /* signed them before the last switch; still named */
	DB_SIGNER_RETIRED,        /* named no more */
};

struct db_signer {
	int64_t id;
	char label[64];
	char *key;                 /* file path or pkcs11: URI */
	unsigned char *cert_der;
	size_t cert_len;
	char cert_sha256[65];
	enum db_signer_state state;
	int64_t registered_at, announced_at, switched_at, retired_at; /* 0: not yet */
};

/* "registered", "announced", "active", "previous", "retired". */
const char *db_signer_state_name(enum db_signer_state s);

/* A label names a signer: 1 to 63 of [A-Za-z0-9._-]. 0, or 1 with why. */
int db_signer_label_check(const char *label, char *err, size_t errlen);

/* Every signer, by id, with its state now. */
int db_signers_list(struct db *db, struct db_signer **out, size_t *count, char *err, size_t errlen);
void db_signers_free(struct db_signer *s, size_t count);

/* The signer that signs now (*out NULL: none switched to yet, the
 * configuration's bootstrap signer signs) and the certificates the lists
 * announce beside it (announced and previous signers). Caller frees with
 * db_signers_free. */
struct db_signer_plan {
	struct db_signer *all;
	size_t count;
	const struct db_signer *active;
};
int db_signer_plan_load(struct db *db, struct db_signer_plan *plan, char *err, size_t errlen);
void db_signer_plan_free(struct db_signer_plan *plan);

#endif
