/* The list signers vntld pins from the registry (db/signers.h), read again
 * before each publication it loads, so that a rollover made with `vntl
 * signer` is followed without editing server.signer_cert or restarting:
 * the active signer is current (/signer.pem), the announced ones next,
 * the previous ones still accepted for the lists they signed. Registered
 * and retired signers are not pinned.
 *
 * Returns 1 when the pinned set changed, 0 when it did not, -1 with the
 * reason in the caller's err (the registry unreadable: the pins stay).
 */
#ifndef VNTL_WEB_SIGNERS_H
#define VNTL_WEB_SIGNERS_H

#include <stddef.h>

struct web_verifier;

int web_signers_from_registry(const char *registry, struct web_verifier *v, char *err, size_t errlen);

#endif
