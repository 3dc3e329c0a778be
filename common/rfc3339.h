/* RFC 3339 times in UTC ("2026-01-02T03:04:05Z"): the one formatter and the
 * parsers every program and library outside libvntl uses (libvntl, a
 * separate shared library, keeps its own in validator/vv_time.c).
 * common/ sits below every layer (common <- db <- publisher <- web, and the
 * programs): it includes nothing of ours but itself.
 *
 * Formatters return `out` and cannot fail; parsers return 0 and set *out,
 * or -1 for text that is not such a time (no error text).
 */
#ifndef VNTL_COMMON_RFC3339_H
#define VNTL_COMMON_RFC3339_H

#include <stdint.h>
#include <time.h>

/* Room for a formatted time, or for "@<seconds>" when t is out of range. */
#define RFC3339_BUF 32

/* t as "YYYY-MM-DDTHH:MM:SSZ"; "@<seconds>" when gmtime cannot convert it.
 * Returns out. */
const char *rfc3339_format(int64_t t, char out[RFC3339_BUF]);

/* RFC 3339 / xs:dateTime text: fractional seconds are dropped, a zone
 * (Z or +hh:mm / -hh:mm) is required. Returns 0 and sets *out, else -1. */
int rfc3339_parse(const char *text, time_t *out);

/* Exactly the form rfc3339_format writes, "YYYY-MM-DDTHH:MM:SSZ" from 1970
 * on (what vntl itself wrote: index.json, API input). 0 and *out, else -1. */
int rfc3339_parse_utc(const char *text, time_t *out);

/* Room for a time followed by Vietnam time (rfc3339_format_ict). */
#define RFC3339_ICT_BUF 48

/* A time as people type it (vntl --effective, the APIs' "effective"): RFC
 * 3339 with Z or an explicit offset ("2026-12-01T08:00:00+07:00",
 * fractions of a second dropped), or a date alone, which means 00:00 UTC of
 * that day. A time without Z or offset is refused (ambiguous: UTC or
 * Vietnam time?), as are out-of-range fields ("2026-02-30"). 0 ok, -1 bad. */
int rfc3339_parse_input(const char *text, int64_t *out);

/* rfc3339_format followed by Vietnam time (ICT, UTC+07:00), as officers
 * read it: "2026-12-01T08:00:00Z (15:00 ICT)", with the date when it differs
 * ("2026-12-01T20:00:00Z (2026-12-02 03:00 ICT)"). Returns out. */
const char *rfc3339_format_ict(int64_t t, char out[RFC3339_ICT_BUF]);

#endif
