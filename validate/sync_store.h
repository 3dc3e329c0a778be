/* The trust store directory that `vntl-validate sync` writes: each synced
 * set is a generation directory DIR/gen-<time>-<pid>, written whole, made
 * durable whole (one syncfs(2): a set of 10,000 anchors is 10,000 files,
 * and as many fsyncs cost a minute on a slow disk), then made current by
 * replacing the symbolic link DIR/current with rename(2). A reader that resolves DIR/current sees the old set or the new
 * one, never a mix, whenever sync is killed.
 *
 * Returns 0, or -1 with a message in the caller's `why` (whylen bytes);
 * store_current's -1 means no current generation yet, with no message.
 */
#ifndef VNTL_VALIDATE_SYNC_STORE_H
#define VNTL_VALIDATE_SYNC_STORE_H

#include <stddef.h>

/* DIR/current resolved: "DIR/gen-…" in out, 0; -1 when there is none yet. */
int store_current(const char *dir, char *out, size_t outlen);

/* A new, empty generation directory under `dir` (created with `dir` when
 * missing); its path in out. 0, or -1 with why. */
int store_new_generation(const char *dir, char *out, size_t outlen, char *why, size_t whylen);

/* Creates `gen`/`rel` with exactly these bytes (durable once
 * store_sync_generation has returned 0). */
int store_write(const char *gen, const char *rel, const void *data, size_t len, char *why,
		size_t whylen);

/* Creates `name` in the directory `dir`, open as dirfd (one openat, no
 * path walk: a set is 10,000 such files), with exactly these bytes: 0;
 * 1 when `name` exists (nothing written); -1 with why. */
int store_create_at(int dirfd, const char *dir, const char *name, const void *data, size_t len,
		    char *why, size_t whylen);

/* The same, but when the directory prevfd (the current generation's; -1
 * for none) has a file `name` with exactly these bytes, that file is
 * linked in (no new inode: a set whose anchors did not change is not
 * written again). Files are never changed once written, so a link shared
 * by two generations changes neither. */
int store_reuse_or_create_at(int prevfd, int dirfd, const char *dir, const char *name,
			     const void *data, size_t len, char *why, size_t whylen);

/* fsyncs the directory `path`. */
int store_sync_dir(const char *path, char *why, size_t whylen);

/* Makes every file and directory written below `gen` durable: syncfs(2)
 * of its file system, which writes back what is dirty there and reports
 * a write-back error (Linux >= 5.8). 0, or -1 with why. */
int store_sync_generation(const char *gen, char *why, size_t whylen);

/* Makes `gen` current (symbolic link swapped by rename, then the directory
 * fsynced), then removes the generations older than the one it replaced
 * (a reader may still be reading that one). */
int store_commit(const char *dir, const char *gen, char *why, size_t whylen);

/* Removes a generation that will never be committed. */
void store_discard(const char *gen);

#endif
