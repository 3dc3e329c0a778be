/* The URIs and names of ETSI TS 119 612 that vntl's lists use, in one place,
 * so the builder, the self-check and the tests agree. The choices for a
 * non-EU national scheme are explained in README.md ("Publisher").
 *
 * Constants only: no functions.
 */
#ifndef VNTL_PUBLISHER_TSL_URIS_H
#define VNTL_PUBLISHER_TSL_URIS_H

#define TSL_NS "http://uri.etsi.org/02231/v2#"
#define TSL_ADDTYPES_NS "http://uri.etsi.org/02231/v2/additionaltypes#"
#define TSL_TAG "http://uri.etsi.org/19612/TSLTag"
#define TSL_VERSION 6
#define TSL_TERRITORY "VN"
/* TS 119 612 clause 5.3.12: 65535 = historical information is never removed. */
#define TSL_HISTORY_PERIOD 65535
#define TSL_MIME_TYPE "application/vnd.etsi.tsl+xml"

/* Clause 5.3.3 / D.6: "CClist" and "CClistofthelists" with CC = VN. */
#define TSL_TYPE_LIST "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/VNlist"
#define TSL_TYPE_LOTL "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/VNlistofthelists"
/* Clause 5.3.8 / D.6: "CCdetermination". */
#define TSL_STATUS_DETN "http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/VNdetermination"
/* Clause 5.3.9: the country-specific rules URI "schemerules/CC". */
#define TSL_SCHEME_RULES "http://uri.etsi.org/TrstSvc/TrustedList/schemerules/VN"

#define TSL_STATUS_PREFIX "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"
#define TSL_STATUS_GRANTED TSL_STATUS_PREFIX "granted"
#define TSL_STATUS_WITHDRAWN TSL_STATUS_PREFIX "withdrawn"
#define TSL_STATUS_RECOGNISED TSL_STATUS_PREFIX "recognisedatnationallevel"
#define TSL_STATUS_SUSPENDED TSL_STATUS_PREFIX "deprecatedatnationallevel"

/* vntl's own, non-critical service information extension carrying the legal
 * decision behind a status (AdditionalServiceInformation/URI + InformationValue). */
#define TSL_EXT_DECISION "https://rootca.gov.vn/vntl/SvcInfoExt/StatusDecision"

#define XADES_NS "http://uri.etsi.org/01903/v1.3.2#"
#define XADES_SIGNED_PROPS_TYPE "http://uri.etsi.org/01903#SignedProperties"

#endif
