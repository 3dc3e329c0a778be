/* vntld's log: one line per event on stderr, `key=value` pairs, so that a
 * log shipper can parse it. Values are quoted when they contain spaces.
 *
 * Logging cannot fail as far as the caller is concerned: no return value.
 */
#ifndef VNTL_WEB_LOG_H
#define VNTL_WEB_LOG_H

/* Emits "ts=<UTC> level=<level> event=<event> <fields>". `fields` is a
 * printf format for the rest of the line (already key=value). */
void web_log(const char *level, const char *event, const char *fields, ...)
	__attribute__((format(printf, 3, 4)));

#endif
