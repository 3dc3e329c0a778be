/* Reading a publication directory into memory and checking it (see
 * publication.h). */
#include "web/publication.h"

#include "web/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void web_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	static const char digits[] = "0123456789abcdef";
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
		hex[0] = '\0'; /* matches nothing, so the file is refused */
		return;
	}
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

int web_parse_utc(const char *text, time_t *out)
{
	int y, mo, d, h, mi, s;
	char z;
	int consumed = 0;
	if (!text || strlen(text) != 20 ||
	    sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &y, &mo, &d, &h, &mi, &s, &z, &consumed) != 7 ||
	    consumed != 20 || z != 'Z' || text[4] != '-' || text[7] != '-' || text[13] != ':' ||
	    text[16] != ':')
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			.tm_hour = h, .tm_min = mi, .tm_sec = s};
	*out = timegm(&tm);
	return 0;
}

void web_publication_stamp(const char *dir, struct web_stamp *out)
{
	char path[4096];
	struct stat st;
	memset(out, 0, sizeof *out);
	snprintf(path, sizeof path, "%s/index.json", dir);
	if (stat(path, &st) != 0)
		return;
	out->exists = 1;
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	out->size = st.st_size;
	out->mtime = st.st_mtim;
}

int web_stamp_equal(const struct web_stamp *a, const struct web_stamp *b)
{
	return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* ---- growing the file table ---- */

struct loader {
	int dirfd;
	const char *dir;
	struct web_publication *pub;
	size_t capacity;
	char *err;
	size_t errlen;
};

static struct web_file *add_file(struct loader *ld, const char *name)
{
	struct web_publication *pub = ld->pub;
	if (pub->file_count == ld->capacity) {
		size_t cap = ld->capacity ? ld->capacity * 2 : 64;
		struct web_file *grown = realloc(pub->files, cap * sizeof *grown);
		if (!grown)
			return NULL;
		pub->files = grown;
		ld->capacity = cap;
	}
	struct web_file *f = &pub->files[pub->file_count];
	memset(f, 0, sizeof *f);
	if (!(f->name = strdup(name)))
		return NULL;
	pub->file_count++;
	return f;
}

/* Reads `rel` (relative to the publication directory) whole. */
static int read_whole(struct loader *ld, const char *rel, unsigned char **data, size_t *len,
		      time_t *mtime)
{
	int fd = openat(ld->dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(ld->err, ld->errlen, "%s/%s: %s", ld->dir, rel, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > WEB_MAX_FILE_SIZE) {
		snprintf(ld->err, ld->errlen, "%s/%s: not a regular file of at most %ld bytes",
			 ld->dir, rel, WEB_MAX_FILE_SIZE);
		close(fd);
		return -1;
	}
	size_t size = (size_t)st.st_size;
	unsigned char *buf = malloc(size ? size : 1);
	size_t got = 0;
	while (buf && got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != size) {
		snprintf(ld->err, ld->errlen, "%s/%s: short read", ld->dir, rel);
		free(buf);
		return -1;
	}
	*data = buf;
	*len = size;
	*mtime = st.st_mtim.tv_sec;
	return 0;
}

/* Reads `rel` and serves it under `name`; when `want_sha` is given the
 * bytes must have that SHA-256 (and `want_size` bytes, unless -1). */
static struct web_file *load_file(struct loader *ld, const char *rel, const char *name,
				  const char *want_sha, long long want_size)
{
	unsigned char *data;
	size_t len;
	time_t mtime;
	if (read_whole(ld, rel, &data, &len, &mtime) != 0)
		return NULL;
	char sha[65];
	web_sha256_hex(data, len, sha);
	if (want_sha && strcmp(sha, want_sha) != 0) {
		snprintf(ld->err, ld->errlen, "%s/%s: SHA-256 %s, index.json names %s", ld->dir,
			 rel, sha, want_sha);
		free(data);
		return NULL;
	}
	if (want_size >= 0 && (long long)len != want_size) {
		snprintf(ld->err, ld->errlen, "%s/%s: %zu bytes, index.json names %lld", ld->dir,
			 rel, len, want_size);
		free(data);
		return NULL;
	}
	struct web_file *f = add_file(ld, name);
	if (!f) {
		snprintf(ld->err, ld->errlen, "out of memory");
		free(data);
		return NULL;
	}
	f->data = data;
	f->len = len;
	f->mtime = mtime;
	memcpy(f->sha256, sha, sizeof sha);
	return f;
}

/* ---- names ---- */

static int is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

static int is_list_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof((struct web_list_info *)0)->name)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z'))
			return 0;
	return 1;
}

/* A top-level file named in "files": letters, digits, '.', '_', '-', not
 * starting with '.', so it can never leave the directory. */
static int is_plain_name(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 128)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

/* "<digits>.xml" without leading zeros; returns the sequence or -1. */
static long long archive_sequence(const char *name)
{
	const char *dot = strchr(name, '.');
	if (!dot || dot == name || strcmp(dot, ".xml") != 0 || (name[0] == '0' && dot - name > 1) ||
	    dot - name > 18)
		return -1;
	long long seq = 0;
	for (const char *p = name; p < dot; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		seq = seq * 10 + (*p - '0');
	}
	return seq;
}

/* ---- index.json ---- */

static int fail(struct loader *ld, const char *what, const char *detail)
{
	snprintf(ld->err, ld->errlen, "%s/index.json: %s%s%s", ld->dir, what, detail ? ": " : "",
		 detail ? detail : "");
	return -1;
}

static int sha_field(struct loader *ld, json_t *obj, const char *where, char out[65])
{
	const char *sha = json_string_value(json_object_get(obj, "sha256"));
	if (!sha || strlen(sha) != 64 || !is_lower_hex(sha, 64))
		return fail(ld, where, "\"sha256\" must be 64 lowercase hex digits");
	memcpy(out, sha, 65);
	return 0;
}

static int load_list(struct loader *ld, const char *name, json_t *entry)
{
	struct web_publication *pub = ld->pub;
	if (!is_list_name(name) || !json_is_object(entry))
		return fail(ld, "a list name must be lowercase letters with an object", name);
	if (pub->list_count == WEB_MAX_LISTS)
		return fail(ld, "too many lists", NULL);
	struct web_list_info *li = &pub->lists[pub->list_count];
	memset(li, 0, sizeof *li);
	strcpy(li->name, name);
	json_t *seq = json_object_get(entry, "sequence"), *size = json_object_get(entry, "size");
	const char *path = json_string_value(json_object_get(entry, "path"));
	const char *issued = json_string_value(json_object_get(entry, "issued"));
	const char *next = json_string_value(json_object_get(entry, "next_update"));
	if (!json_is_integer(seq) || json_integer_value(seq) < 0)
		return fail(ld, name, "\"sequence\" must be a non-negative integer");
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return fail(ld, name, "\"size\" must be a non-negative integer");
	if (sha_field(ld, entry, name, li->sha256) != 0)
		return -1;
	if (web_parse_utc(issued, &li->issued) != 0 || web_parse_utc(next, &li->next_update) != 0)
		return fail(ld, name, "\"issued\" and \"next_update\" must be YYYY-MM-DDTHH:MM:SSZ");
	li->sequence = json_integer_value(seq);
	li->size = (size_t)json_integer_value(size);
	char expected[64];
	snprintf(expected, sizeof expected, "%s/%lld.xml", name, li->sequence);
	if (!path || strcmp(path, expected) != 0)
		return fail(ld, name, "\"path\" must be <list>/<sequence>.xml");
	pub->list_count++;

	struct web_file *cur = load_file(ld, path, path, li->sha256, (long long)li->size);
	if (!cur)
		return -1;
	/* "<list>.xml" serves the same bytes as the archive file index.json
	 * names, so a reader never sees a list that index.json does not. */
	char current[32];
	snprintf(current, sizeof current, "%s.xml", name);
	size_t cur_index = (size_t)(cur - pub->files);
	struct web_file *alias = add_file(ld, current);
	if (!alias) {
		snprintf(ld->err, ld->errlen, "out of memory");
		return -1;
	}
	cur = &pub->files[cur_index];
	unsigned char *copy = malloc(cur->len ? cur->len : 1);
	if (!copy) {
		snprintf(ld->err, ld->errlen, "out of memory");
		return -1;
	}
	memcpy(copy, cur->data, cur->len);
	alias->data = copy;
	alias->len = cur->len;
	alias->mtime = cur->mtime;
	memcpy(alias->sha256, cur->sha256, 65);
	return 0;
}

/* Older versions of a list: served as they are, hashed for their ETag.
 * Versions newer than index.json's are not published yet. */
static int load_archive(struct loader *ld, const struct web_list_info *li)
{
	int fd = openat(ld->dirfd, li->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		snprintf(ld->err, ld->errlen, "%s/%s: %s", ld->dir, li->name, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		long long seq = archive_sequence(e->d_name);
		if (seq < 0 || seq >= li->sequence)
			continue;
		char rel[300];
		snprintf(rel, sizeof rel, "%s/%s", li->name, e->d_name);
		if (!load_file(ld, rel, rel, NULL, -1))
			rc = -1;
	}
	closedir(d);
	return rc;
}

/* certs/<sha256>.cer: a file whose bytes do not hash to its name is left
 * out (and counted), not served under a name that lies. */
static int load_certs(struct loader *ld)
{
	int fd = openat(ld->dirfd, "certs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (strlen(e->d_name) != 68 || strcmp(e->d_name + 64, ".cer") != 0) {
			ld->pub->skipped_files++;
			continue;
		}
		char hex[65];
		memcpy(hex, e->d_name, 64);
		hex[64] = '\0';
		if (!is_lower_hex(hex, 64)) {
			ld->pub->skipped_files++;
			continue;
		}
		char rel[300];
		snprintf(rel, sizeof rel, "certs/%s", e->d_name);
		if (!load_file(ld, rel, rel, hex, -1)) {
			web_log("warn", "certificate-skipped", "reason=\"%s\"", ld->err);
			ld->pub->skipped_files++;
		}
	}
	closedir(d);
	return rc;
}

static int load_named_files(struct loader *ld, json_t *files)
{
	if (!files)
		return 0;
	if (!json_is_object(files))
		return fail(ld, "\"files\" must be an object", NULL);
	const char *name;
	json_t *entry;
	json_object_foreach(files, name, entry) {
		if (!is_plain_name(name) || !json_is_object(entry))
			return fail(ld, "a \"files\" entry must be a plain file name with an object", name);
		char sha[65];
		if (sha_field(ld, entry, name, sha) != 0)
			return -1;
		json_t *size = json_object_get(entry, "size");
		if (!json_is_integer(size) || json_integer_value(size) < 0)
			return fail(ld, name, "\"size\" must be a non-negative integer");
		if (!load_file(ld, name, name, sha, json_integer_value(size)))
			return -1;
	}
	return 0;
}

static int load_index(struct loader *ld)
{
	struct web_file *index = load_file(ld, "index.json", "index.json", NULL, -1);
	if (!index)
		return -1;
	json_error_t jerr;
	json_t *root = json_loadb((const char *)index->data, index->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		char detail[200];
		snprintf(detail, sizeof detail, "line %d: %s", jerr.line, jerr.text);
		return fail(ld, "not valid JSON", detail);
	}
	int rc = -1;
	json_t *lists = json_object_get(root, "lists");
	if (json_integer_value(json_object_get(root, "format")) != 1) {
		fail(ld, "\"format\" must be 1", NULL);
	} else if (!json_is_object(lists) || json_object_size(lists) == 0) {
		fail(ld, "\"lists\" must be a non-empty object", NULL);
	} else {
		rc = 0;
		const char *name;
		json_t *entry;
		json_object_foreach(lists, name, entry) {
			if (rc == 0)
				rc = load_list(ld, name, entry);
		}
		for (size_t i = 0; rc == 0 && i < ld->pub->list_count; i++)
			rc = load_archive(ld, &ld->pub->lists[i]);
		if (rc == 0)
			rc = load_named_files(ld, json_object_get(root, "files"));
	}
	json_decref(root);
	return rc;
}

static int compare_files(const void *a, const void *b)
{
	return strcmp(((const struct web_file *)a)->name, ((const struct web_file *)b)->name);
}

int web_publication_load(const char *dir, struct web_publication **out, char *err, size_t errlen)
{
	*out = NULL;
	struct web_publication *pub = calloc(1, sizeof *pub);
	if (!pub) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct loader ld = {.dir = dir, .pub = pub, .err = err, .errlen = errlen};
	ld.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ld.dirfd < 0) {
		snprintf(err, errlen, "publication directory %s: %s", dir, strerror(errno));
		free(pub);
		return -1;
	}
	int rc = load_index(&ld);
	if (rc == 0 && load_certs(&ld) != 0) {
		snprintf(err, errlen, "%s/certs: %s", dir, strerror(errno));
		rc = -1;
	}
	close(ld.dirfd);
	if (rc != 0) {
		web_publication_free(pub);
		return -1;
	}
	qsort(pub->files, pub->file_count, sizeof *pub->files, compare_files);
	for (size_t i = 1; i < pub->file_count; i++) {
		if (strcmp(pub->files[i - 1].name, pub->files[i].name) == 0) {
			snprintf(err, errlen, "%s/index.json: \"%s\" is named twice", dir,
				 pub->files[i].name);
			web_publication_free(pub);
			return -1;
		}
	}
	*out = pub;
	return 0;
}

const struct web_file *web_publication_find(const struct web_publication *pub, const char *name)
{
	struct web_file key = {.name = (char *)name};
	return bsearch(&key, pub->files, pub->file_count, sizeof *pub->files, compare_files);
}

void web_publication_free(struct web_publication *pub)
{
	if (!pub)
		return;
	for (size_t i = 0; i < pub->file_count; i++) {
		free(pub->files[i].name);
		free(pub->files[i].data);
	}
	free(pub->files);
	free(pub);
}
