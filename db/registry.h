/* The registry's public interface, for the CLI, the publisher and the
 * server: one include for all of db/. db/ is the layer above common/ and
 * below publisher/ and web/: it includes only common/ and libvntl's vntl.h
 * (scripts/check-layers.sh). */
#ifndef VNTL_DB_REGISTRY_H
#define VNTL_DB_REGISTRY_H

#include "db/audit.h"
#include "db/certs.h"
#include "db/changes.h"
#include "db/corrections.h"
#include "db/json.h"
#include "db/db.h"
#include "db/publication.h"
#include "db/seal.h"
#include "db/search.h"
#include "db/signers.h"
#include "db/snapshot.h"
#include "db/tsp.h"
#include "db/users.h"

#endif
