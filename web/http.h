/* HTTP details vntld decides itself: dates, entity tags, conditional
 * requests (RFC 9110 §13). Pure functions, no server state.
 *
 * Parsers return 0, or -1 for text that is not what they parse; the "whether"
 * functions are predicates (non-zero yes, 0 no); web_http_framing_problem
 * returns the problem or NULL; web_http_range an enum web_range.
 */
#ifndef VNTL_WEB_HTTP_H
#define VNTL_WEB_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define WEB_HTTP_DATE_LEN 30 /* "Sun, 06 Nov 1994 08:49:37 GMT" + NUL */

/* IMF-fixdate of `t` into `out` (at least WEB_HTTP_DATE_LEN bytes). */
void web_http_format_date(time_t t, char *out);

/* Parses an IMF-fixdate; returns 0 and sets *out, -1 if it is not one
 * (the obsolete formats are refused, as a server may: the condition is
 * then ignored and the full response sent). */
int web_http_parse_date(const char *text, time_t *out);

/* Whether an If-None-Match header value matches the strong entity tag
 * `etag` (quoted, e.g. "\"ab12\""): "*" or a comma-separated list that
 * contains it (weak comparison, as RFC 9110 asks for If-None-Match). */
int web_http_etag_matches(const char *if_none_match, const char *etag);

/* Whether the request's conditions say "not modified": If-None-Match when
 * present (If-Modified-Since is then ignored), else If-Modified-Since
 * against `last_modified`. Either header may be NULL. */
int web_http_not_modified(const char *if_none_match, const char *if_modified_since,
			  const char *etag, time_t last_modified);

/* Request framing (RFC 9112 §6.3): NULL when the counts of Content-Length
 * and Transfer-Encoding header lines leave one reading of where the body
 * ends, else why not (more than one Content-Length, or both headers:
 * the shapes used to smuggle a second request past another parser). */
const char *web_http_framing_problem(unsigned content_length_lines, unsigned transfer_encoding_lines);

/* Whether a Content-Type header value is application/json (parameters
 * such as "; charset=utf-8" allowed, case ignored). NULL: no. */
int web_http_is_json(const char *content_type);

/* Whether an Origin header value names `self_origin` ("https://host[:port]",
 * as the service is reached). Scheme and host compare without case; port
 * 443 may be given or left out on either side. NULL arguments: no. */
int web_http_same_origin(const char *origin, const char *self_origin);

/* Percent-decodes a URL path in place (libmicrohttpd's unescape callback)
 * and returns its new length, except that %00 stays as it is: a NUL would
 * cut the name short ("/index.json%00.txt" must not mean "/index.json"). */
size_t web_http_unescape_path(char *uri);

/* Whether a URL path (percent-decoded) holds only bytes a published name
 * or an API route can have: letters, digits, '/', '.', '-', '_' and '~'. */
int web_http_path_ok(const char *path);

/* What a Range header asks of a body of `size` bytes (RFC 9110 §14). */
enum web_range {
	WEB_RANGE_WHOLE,         /* no Range, a malformed one, or several ranges: 200, whole body */
	WEB_RANGE_PART,          /* one satisfiable range: 206 with bytes first..last */
	WEB_RANGE_UNSATISFIABLE, /* one range wholly past the end: 416 */
};

/* Parses `range` ("bytes=0-99", "bytes=100-", "bytes=-100"; NULL: none).
 * Several ranges are answered whole (a 200 is always a correct answer). */
enum web_range web_http_range(const char *range, uint64_t size, uint64_t *first, uint64_t *last);

/* Whether an If-Range header lets a Range apply to the representation with
 * strong `etag` and `last_modified`: NULL (no If-Range), the same entity tag
 * (strong comparison), or exactly its Last-Modified date. */
int web_http_if_range_holds(const char *if_range, const char *etag, time_t last_modified);

/* Content type to serve a published file with, from its name. */
const char *web_http_content_type(const char *name);

#endif
