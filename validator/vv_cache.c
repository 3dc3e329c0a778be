/* The cache directory: last accepted sequence number per list (rollback
 * protection).  Writes are atomic: temp file, fsync, rename. */
#include "vv_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

vntl_status vv_cache_write(const char *path, const void *data, size_t len, vntl_error *err)
{
	char tmp[VV_PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return vv_fail(err, VNTL_ERR_INPUT, "cache-unusable", "cannot write %s: %s", tmp,
		               strerror(errno));
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	int ok = left == 0 && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return vv_fail(err, VNTL_ERR_INPUT, "cache-unusable", "cannot write %s: %s", path,
		               strerror(errno));
	}
	return VNTL_OK;
}

/* A list's identity is what it says of itself under its signature
 * (territory, type and scheme name), never the URL it came from: a
 * rollback cannot hide behind another address, and two lists of one
 * territory and type (VN roots and foreign) keep a record each. */
static int seq_path(const char *dir, const vv_list *list, char *out, size_t len)
{
	char key[256], hex[65];
	snprintf(key, sizeof key, "%s|%s|%s", list->info.territory, list->info.type,
	         list->scheme_name_hash);
	if (!list->scheme_name_hash[0] || vv_sha256_hex((const unsigned char *)key, strlen(key), hex) != 0)
		return -1;
	snprintf(out, len, "%s/seq-%.32s", dir, hex);
	return 0;
}

vntl_status vv_seq_check_and_store(const char *dir, const vv_list *list, vntl_error *err)
{
	const vntl_list_info *info = &list->info;
	char path[4096];
	if (seq_path(dir, list, path, sizeof path) != 0)
		return vv_fail(err, VNTL_ERR_INTERNAL, "digest-failed",
		               "SHA-256 naming the rollback record of the %s %s list failed", info->territory,
		               info->type);
	FILE *f = fopen(path, "r");
	long long last = 0;
	if (f) {
		if (fscanf(f, "%lld", &last) != 1)
			last = 0;
		fclose(f);
	}
	if (info->sequence < last)
		return vv_fail(err, VNTL_ERR_REFUSED, "sequence-rollback",
		               "TSLSequenceNumber %lld is lower than %lld, already accepted for %s "
		               "(%s): an older list is being replayed", info->sequence, last,
		               info->territory, info->type);
	if (info->sequence == last)
		return VNTL_OK;
	char text[32];
	int n = snprintf(text, sizeof text, "%lld\n", info->sequence);
	return vv_cache_write(path, text, (size_t)n, err);
}
