/* vntl's XSD profile of TS 119 612 (schema/), built into the program. */
#ifndef VNTL_PUBLISHER_PROFILE_H
#define VNTL_PUBLISHER_PROFILE_H

#include <stddef.h>
#include <libxml/tree.h>

/* 0 when `doc` is valid against the profile; -1 with the first problem
 * (line and message) in `err`. Not thread-safe (see profile.c). */
int profile_validate(xmlDocPtr doc, char *err, size_t errlen);

/* The profile's text, NUL-terminated (for tools and tests). */
const char *profile_xsd_text(void);

#endif
