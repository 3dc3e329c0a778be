/* vntl-validate sync and anchors: a local trust store kept current from a
 * vntl publication (README "Keeping a trust store current").
 *
 * Both mains return a process exit code (enum sync_exit).
 */
#ifndef VNTL_VALIDATE_SYNC_H
#define VNTL_VALIDATE_SYNC_H

/* Exit codes of sync (and anchors). */
enum sync_exit {
	SYNC_OK = 0,        /* DIR holds the newest set (or nothing changed) */
	SYNC_REFUSED = 1,   /* a rule refused what the server offers: DIR untouched */
	SYNC_USAGE = 3,     /* usage, a failed fetch, DIR unwritable: DIR untouched */
	SYNC_STALE = 4,     /* a list in DIR (or the newest offered) is past its NextUpdate */
};

/* argv[0] is "sync" / "anchors". */
int validate_sync_main(int argc, char **argv);
int validate_anchors_main(int argc, char **argv);

#endif
