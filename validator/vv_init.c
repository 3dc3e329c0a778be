/* One-time initialisation of the libraries the validator drives.  xmlsec
 * and libxml2 keep process-wide tables; they are set up exactly once. */
#include "vv_internal.h"

#include <pthread.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_ok;

static void quiet_xmlsec(const char *file, int line, const char *func, const char *obj,
                         const char *subj, int reason, const char *msg)
{
	/* xmlsec errors are turned into our own rule-named refusals. */
	(void)file; (void)line; (void)func; (void)obj; (void)subj; (void)reason; (void)msg;
}

static void init_libraries(void)
{
	xmlInitParser();
	if (xmlSecInit() < 0)
		return;
	if (xmlSecCheckVersion() != 1)
		return;
	if (xmlSecCryptoAppInit(NULL) < 0 || xmlSecCryptoInit() < 0)
		return;
	xmlSecErrorsSetCallback(quiet_xmlsec);
	init_ok = 1;
}

int vv_global_init(void)
{
	pthread_once(&init_once, init_libraries);
	return init_ok;
}

const char *vntl_version(void)
{
	return VNTL_VERSION_STRING;
}
