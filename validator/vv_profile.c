/* vntl's XSD profile of TS 119 612 (schema/), built into libvntl at build
 * time (.incbin: no generated sources, no tool) so that checking a list as
 * vntl publishes it needs no schema file at run time. */
#include "vv_internal.h"

#include <string.h>
#include <libxml/parserInternals.h>

__asm__(".pushsection .rodata\n"
	".global vv_profile_xsd\n"
	".hidden vv_profile_xsd\n"
	"vv_profile_xsd:\n"
	".incbin \"schema/vntl-tsl-profile.xsd\"\n"
	".byte 0\n"
	".global vv_profile_xml_xsd\n"
	".hidden vv_profile_xml_xsd\n"
	"vv_profile_xml_xsd:\n"
	".incbin \"schema/vntl-xml.xsd\"\n"
	".byte 0\n"
	".popsection\n");
extern const char vv_profile_xsd[];
extern const char vv_profile_xml_xsd[];

static pthread_mutex_t loader_lock = PTHREAD_MUTEX_INITIALIZER;
static xmlExternalEntityLoader previous_loader;

/* The profile imports the xml: namespace from "vntl-xml.xsd": served from
 * memory. libxml2's loader is process-wide, so anything else goes on to
 * the loader that was there before. */
static xmlParserInputPtr embedded_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	size_t n = url ? strlen(url) : 0;
	if (n >= 12 && strcmp(url + n - 12, "vntl-xml.xsd") == 0)
		return xmlNewStringInputStream(ctxt, BAD_CAST vv_profile_xml_xsd);
	return previous_loader ? previous_loader(url, id, ctxt) : NULL;
}

static void ignore_error(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

xmlSchemaPtr vv_profile_compile(void)
{
	pthread_mutex_lock(&loader_lock);
	previous_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(embedded_loader);
	xmlSchemaParserCtxtPtr pctx = xmlSchemaNewMemParserCtxt(vv_profile_xsd,
	                                                        (int)strlen(vv_profile_xsd));
	if (pctx)
		xmlSchemaSetParserStructuredErrors(pctx, ignore_error, NULL);
	xmlSchemaPtr schema = pctx ? xmlSchemaParse(pctx) : NULL;
	xmlSchemaFreeParserCtxt(pctx);
	xmlSetExternalEntityLoader(previous_loader);
	pthread_mutex_unlock(&loader_lock);
	return schema;
}
