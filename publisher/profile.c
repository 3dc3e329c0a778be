/* The XSD profile, embedded at build time from schema/ so the program never
 * reads schema files at run time (.incbin: no generated sources, no tool). */
#include <stdio.h>
#include <string.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>

#include "publisher/profile.h"

__asm__(".pushsection .rodata\n"
	".global vntl_publisher_profile_xsd\n"
	".hidden vntl_publisher_profile_xsd\n"
	"vntl_publisher_profile_xsd:\n"
	".incbin \"schema/vntl-tsl-profile.xsd\"\n"
	".byte 0\n"
	".global vntl_publisher_xml_xsd\n"
	".hidden vntl_publisher_xml_xsd\n"
	"vntl_publisher_xml_xsd:\n"
	".incbin \"schema/vntl-xml.xsd\"\n"
	".byte 0\n"
	".popsection\n");
extern const char vntl_publisher_profile_xsd[];
extern const char vntl_publisher_xml_xsd[];

const char *profile_xsd_text(void)
{
	return vntl_publisher_profile_xsd;
}

/* The profile imports the xml: namespace from "vntl-xml.xsd"; serve it from
 * memory and nothing else (no file, no network). */
static xmlParserInputPtr embedded_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)id;
	size_t n = url ? strlen(url) : 0;
	if (n >= 12 && strcmp(url + n - 12, "vntl-xml.xsd") == 0)
		return xmlNewStringInputStream(ctxt, BAD_CAST vntl_publisher_xml_xsd);
	return NULL;
}

static void keep_first_error(void *ctx, xmlErrorPtr e)
{
	char *err = ctx;
	if (err[0] == '\0' && e && e->message) {
		snprintf(err, 512, "line %d: %s", e->line, e->message);
		size_t n = strlen(err);
		if (n > 0 && err[n - 1] == '\n')
			err[n - 1] = '\0';
	}
}

static void ignore_error(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

/* The loader is process-global in libxml2: swapped in for the compilation
 * only. The publisher validates from one thread. */
static xmlSchemaPtr compile_profile(void)
{
	xmlExternalEntityLoader previous = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(embedded_loader);
	xmlSchemaParserCtxtPtr pctx = xmlSchemaNewMemParserCtxt(vntl_publisher_profile_xsd,
								 (int)strlen(vntl_publisher_profile_xsd));
	xmlSchemaSetParserStructuredErrors(pctx, ignore_error, NULL);
	xmlSchemaPtr schema = pctx ? xmlSchemaParse(pctx) : NULL;
	xmlSchemaFreeParserCtxt(pctx);
	xmlSetExternalEntityLoader(previous);
	return schema;
}

int profile_validate(xmlDocPtr doc, char *err, size_t errlen)
{
	char first[512] = "";
	xmlSchemaPtr schema = compile_profile();
	if (!schema) {
		snprintf(err, errlen, "the built-in XSD profile does not compile");
		return -1;
	}
	xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(schema);
	int rc = -1;
	if (vctx) {
		xmlSchemaSetValidStructuredErrors(vctx, keep_first_error, first);
		rc = xmlSchemaValidateDoc(vctx, doc);
		xmlSchemaFreeValidCtxt(vctx);
	}
	xmlSchemaFree(schema);
	if (rc != 0) {
		snprintf(err, errlen, "not valid against vntl's TS 119 612 profile: %s",
			 first[0] ? first : "validation failed");
		return -1;
	}
	return 0;
}
