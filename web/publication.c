/* Reading a publication directory into memory and checking it (see
 * publication.h). */
#include "web/publication.h"

#include "common/file.h"
#include "common/rfc3339.h"
#include "common/sizes.h"
#include "web/log.h"
#include "web/safeopen.h"

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

void web_publication_stamp(const char *dir, struct web_stamp *out)
{
	char path[VNTL_PATH_MAX];
	struct stat st;
	memset(out, 0, sizeof *out);
	if (path_join(path, sizeof path, dir, "index.json") < 0 || stat(path, &st) != 0)
		return;
	out->exists = 1;
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	out->size = st.st_size;
	out->mtime = st.st_mtim;
	out->ctime = st.st_ctim;
}

static int same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

int web_stamp_equal(const struct web_stamp *a, const struct web_stamp *b)
{
	return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && same_time(a->mtime, b->mtime) && same_time(a->ctime, b->ctime);
}

/* ---- growing the tables ---- */

struct loader {
	int dirfd;
	const char *dir;
	struct web_publication *pub;
	struct web_verifier *verifier;
	size_t capacity, tracked_capacity;
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

static void set_stamp(struct web_tracked *t, const struct stat *st)
{
	t->dev = st->st_dev;
	t->ino = st->st_ino;
	t->size = st->st_size;
	t->mtime = st->st_mtim;
	t->ctime = st->st_ctim;
	t->stamped = 1;
}

/* Remembers that `rel` must keep the bytes of SHA-256 `sha`; `st` is the
 * stat of the bytes read, or NULL for a file not read yet. */
static int track(struct loader *ld, const char *rel, const char *sha, const struct stat *st)
{
	struct web_publication *pub = ld->pub;
	if (pub->tracked_count == ld->tracked_capacity) {
		size_t cap = ld->tracked_capacity ? ld->tracked_capacity * 2 : 32;
		struct web_tracked *grown = realloc(pub->tracked, cap * sizeof *grown);
		if (!grown)
			return -1;
		pub->tracked = grown;
		ld->tracked_capacity = cap;
	}
	struct web_tracked *t = &pub->tracked[pub->tracked_count];
	memset(t, 0, sizeof *t);
	if (!(t->rel = strdup(rel)))
		return -1;
	memcpy(t->sha256, sha, 65);
	if (st)
		set_stamp(t, st);
	pub->tracked_count++;
	return 0;
}

static int read_file(struct loader *ld, const char *rel, unsigned char **data, size_t *len,
		     struct stat *st)
{
	char why[VNTL_ERR_MAX];
	if (web_read_beneath(ld->dirfd, rel, WEB_MAX_FILE_SIZE, data, len, st, why, sizeof why) == 0)
		return 0;
	snprintf(ld->err, ld->errlen, "%s/%s: %s", ld->dir, rel, why);
	return -1;
}

/* Reads `rel` and serves it under `name`; when `want_sha` is given the
 * bytes must have that SHA-256 (and `want_size` bytes, unless -1). */
static struct web_file *load_file(struct loader *ld, const char *rel, const char *name,
				  const char *want_sha, long long want_size)
{
	unsigned char *data;
	size_t len;
	struct stat st;
	if (read_file(ld, rel, &data, &len, &st) != 0)
		return NULL;
	char sha[65];
	sha256_hex(data, len, sha);
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
	if (!f || track(ld, rel, sha, &st) != 0) {
		snprintf(ld->err, ld->errlen, "out of memory");
		if (f)
			f->data = data; /* freed with the set */
		else
			free(data);
		return NULL;
	}
	f->data = data;
	f->len = len;
	f->mtime = st.st_mtim.tv_sec;
	memcpy(f->sha256, sha, sizeof sha);
	return f;
}

/* "<list>.xml" serves the same bytes as the verified archive file, so a
 * reader never sees a list that did not verify. The publisher's copy on
 * disk is tracked too when it should hold those bytes (mirrors serve it);
 * in a degraded set it holds the list that did not verify. */
static int add_current_alias(struct loader *ld, size_t index, const char *list, int track_copy)
{
	char current[32];
	snprintf(current, sizeof current, "%s.xml", list);
	struct web_file *alias = add_file(ld, current);
	unsigned char *copy = malloc(ld->pub->files[index].len ? ld->pub->files[index].len : 1);
	if (!alias || !copy) {
		free(copy);
		snprintf(ld->err, ld->errlen, "out of memory");
		return -1;
	}
	const struct web_file *cur = &ld->pub->files[index];
	memcpy(copy, cur->data, cur->len);
	alias->data = copy;
	alias->len = cur->len;
	alias->mtime = cur->mtime;
	memcpy(alias->sha256, cur->sha256, 65);
	return track_copy ? track(ld, current, cur->sha256, NULL) : 0;
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

/* The list `name` as index.json names it: its file must have the SHA-256
 * and size given, verify by its signature as that sequence of that list,
 * and carry the dates index.json repeats. */
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
	if (rfc3339_parse_utc(issued, &li->issued) != 0 || rfc3339_parse_utc(next, &li->next_update) != 0)
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
	struct web_verified v;
	char why[VNTL_ERR_MAX];
	if (web_verify_list(ld->verifier, name, li->sequence, cur->data, cur->len, &v, why,
			    sizeof why) != 0) {
		snprintf(ld->err, ld->errlen, "%s/%s: %s", ld->dir, path, why);
		return -1;
	}
	if (v.issued != li->issued || v.next_update != li->next_update)
		return fail(ld, name, "\"issued\" or \"next_update\" differ from the signed list's");
	/* Remembered under its archive name: once the next version is served,
	 * reading this one back (the page's "what changed") only hashes it. */
	web_verifier_remember(ld->verifier, path, li->sha256, 1);
	return add_current_alias(ld, (size_t)(cur - pub->files), name, 1);
}

/* certs/<sha256>.cer: a file whose bytes do not hash to its name is left
 * out (and counted), not served under a name that lies. */
static int load_certs(struct loader *ld)
{
	struct stat st;
	int fd = web_open_beneath(ld->dirfd, "certs", 1, &st);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		web_log("error", "publication-file-rejected", "file=\"certs\" reason=\"%s\"",
			web_open_problem(errno));
		ld->pub->skipped_files++;
		return 0;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		snprintf(ld->err, ld->errlen, "%s/certs: %s", ld->dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char hex[65] = "";
		if (strlen(e->d_name) == 68)
			memcpy(hex, e->d_name, 64);
		hex[64] = '\0';
		if (strlen(e->d_name) != 68 || strcmp(e->d_name + 64, ".cer") != 0 ||
		    !is_lower_hex(hex, 64)) {
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
	return 0;
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

/* What index.json says, kept for the fallback: the lists it names and
 * their sequences (newer archive files are not published yet). */
struct index_records {
	size_t count;
	char name[WEB_MAX_LISTS][16];
	long long sequence[WEB_MAX_LISTS];
};

static void keep_records(json_t *lists, struct index_records *rec)
{
	const char *name;
	json_t *entry;
	json_object_foreach(lists, name, entry) {
		json_t *seq = json_object_get(entry, "sequence");
		if (rec->count == WEB_MAX_LISTS || !is_list_name(name) || !json_is_integer(seq))
			continue;
		strcpy(rec->name[rec->count], name);
		rec->sequence[rec->count++] = json_integer_value(seq);
	}
}

/* index.json is signed (a JWS): checked once everything it names was, so
 * that the reason given for a bad set is the most specific one. Its bytes
 * are those of the file at `pos` (the table moved as it grew). */
static int verify_signed_index(struct loader *ld, size_t pos)
{
	const struct web_file *index = &ld->pub->files[pos];
	char why[VNTL_ERR_MAX];
	if (web_verify_index(ld->verifier, index->data, index->len, why, sizeof why) == 0)
		return 0;
	return fail(ld, why, NULL);
}

static int load_index(struct loader *ld, struct index_records *rec)
{
	struct web_file *index = load_file(ld, "index.json", "index.json", NULL, -1);
	if (!index)
		return -1;
	size_t index_pos = (size_t)(index - ld->pub->files);
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
		keep_records(lists, rec);
		rc = 0;
		const char *name;
		json_t *entry;
		json_object_foreach(lists, name, entry) {
			if (rc == 0)
				rc = load_list(ld, name, entry);
		}
		if (rc == 0)
			rc = load_named_files(ld, json_object_get(root, "files"));
		if (rc == 0)
			rc = verify_signed_index(ld, index_pos);
	}
	json_decref(root);
	return rc;
}

/* ---- the fallback: newest verified archive versions ---- */

static int compare_desc(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* The archive's sequences of `list`, newest first (at most `at_most` when
 * it is not negative). *count 0 when there are none. */
static long long *archive_sequences(struct loader *ld, const char *list, long long at_most,
				    size_t *count)
{
	*count = 0;
	struct stat st;
	int fd = web_open_beneath(ld->dirfd, list, 1, &st);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	long long *seqs = NULL;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		long long seq = archive_sequence(e->d_name);
		if (seq < 0 || (at_most >= 0 && seq > at_most))
			continue;
		if (*count == cap) {
			cap = cap ? cap * 2 : 64;
			long long *grown = realloc(seqs, cap * sizeof *grown);
			if (!grown)
				break;
			seqs = grown;
		}
		seqs[(*count)++] = seq;
	}
	closedir(d);
	if (seqs)
		qsort(seqs, *count, sizeof *seqs, compare_desc);
	return seqs;
}

static void log_rejected(const char *rel, const char *why)
{
	web_log("error", "publication-file-rejected", "file=\"%s\" reason=\"%s\"", rel, why);
}

/* Serves the newest version of `list` that verifies as its current one. */
static int load_newest_verified(struct loader *ld, const char *list, long long at_most)
{
	size_t count;
	long long *seqs = archive_sequences(ld, list, at_most, &count);
	int rc = -1;
	for (size_t i = 0; i < count && rc != 0; i++) {
		char rel[64], why[1024];
		snprintf(rel, sizeof rel, "%s/%lld.xml", list, seqs[i]);
		struct web_file *f = load_file(ld, rel, rel, NULL, -1);
		struct web_verified v;
		if (!f) {
			log_rejected(rel, ld->err);
			continue;
		}
		if (web_verify_list(ld->verifier, list, seqs[i], f->data, f->len, &v, why,
				    sizeof why) != 0) {
			log_rejected(rel, why);
			/* Not served: its name is dropped from the set. */
			free(f->name);
			free(f->data);
			ld->pub->file_count--;
			free(ld->pub->tracked[--ld->pub->tracked_count].rel);
			continue;
		}
		struct web_list_info *li = &ld->pub->lists[ld->pub->list_count++];
		memset(li, 0, sizeof *li);
		snprintf(li->name, sizeof li->name, "%s", list);
		li->sequence = v.sequence;
		li->issued = v.issued;
		li->next_update = v.next_update;
		li->size = f->len;
		memcpy(li->sha256, f->sha256, 65);
		rc = add_current_alias(ld, (size_t)(f - ld->pub->files), list, 0);
	}
	free(seqs);
	if (rc != 0)
		snprintf(ld->err, ld->errlen, "no version of %s in %s/%s verifies", list, ld->dir, list);
	return rc;
}

/* Without index.json's names: the directories that look like lists. */
static void find_list_dirs(struct loader *ld, struct index_records *rec)
{
	int fd = dup(ld->dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL && rec->count < WEB_MAX_LISTS) {
		struct stat st;
		if (!is_list_name(e->d_name) || strcmp(e->d_name, "certs") == 0 ||
		    fstatat(ld->dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
			continue;
		strcpy(rec->name[rec->count], e->d_name);
		rec->sequence[rec->count++] = -1;
	}
	closedir(d);
}

static int add_withheld(struct loader *ld, const char *name)
{
	for (size_t i = 0; i < ld->pub->file_count; i++)
		if (strcmp(ld->pub->files[i].name, name) == 0)
			return 0;
	struct web_file *f = add_file(ld, name);
	if (!f)
		return -1;
	f->withheld = 1;
	return 0;
}

static int load_fallback(struct loader *ld, struct index_records *rec, const char *reason)
{
	if (rec->count == 0)
		find_list_dirs(ld, rec);
	if (rec->count == 0) {
		snprintf(ld->err, ld->errlen, "no list directory in %s", ld->dir);
		return -1;
	}
	for (size_t i = 0; i < rec->count; i++)
		if (load_newest_verified(ld, rec->name[i], rec->sequence[i]) != 0)
			return -1;
	if (load_certs(ld) != 0 || add_withheld(ld, "index.json") != 0 ||
	    add_withheld(ld, "roots.pem") != 0) {
		snprintf(ld->err, ld->errlen, "out of memory");
		return -1;
	}
	ld->pub->degraded = 1;
	snprintf(ld->pub->degraded_reason, sizeof ld->pub->degraded_reason, "%s", reason);
	return 0;
}

/* ---- loading ---- */

static int compare_files(const void *a, const void *b)
{
	return strcmp(((const struct web_file *)a)->name, ((const struct web_file *)b)->name);
}

static void clear_contents(struct web_publication *pub)
{
	for (size_t i = 0; i < pub->file_count; i++) {
		free(pub->files[i].name);
		free(pub->files[i].data);
	}
	for (size_t i = 0; i < pub->tracked_count; i++)
		free(pub->tracked[i].rel);
	pub->file_count = pub->tracked_count = pub->list_count = pub->skipped_files = 0;
}

/* /signer.pem: the pinned list signer(s), from vntld's configuration (not
 * from the directory), so a relying party can fetch what it then checks
 * against the SHA-256 it got out of band. */
static int add_signer_pem(struct loader *ld)
{
	size_t len = 0;
	char *pem = web_verifier_signer_pem(ld->verifier, &len);
	struct web_file *f = pem ? add_file(ld, "signer.pem") : NULL;
	if (!f) {
		free(pem);
		snprintf(ld->err, ld->errlen, "out of memory");
		return -1;
	}
	f->data = (unsigned char *)pem;
	f->len = len;
	sha256_hex(pem, len, f->sha256);
	for (size_t i = 0; i + 1 < ld->pub->file_count; i++)
		if (ld->pub->files[i].mtime > f->mtime)
			f->mtime = ld->pub->files[i].mtime;
	return 0;
}

static int finish(struct loader *ld)
{
	if (add_signer_pem(ld) != 0)
		return -1;
	struct web_publication *pub = ld->pub;
	qsort(pub->files, pub->file_count, sizeof *pub->files, compare_files);
	for (size_t i = 1; i < pub->file_count; i++) {
		if (strcmp(pub->files[i - 1].name, pub->files[i].name) == 0) {
			snprintf(ld->err, ld->errlen, "%s/index.json: \"%s\" is named twice", ld->dir,
				 pub->files[i].name);
			return -1;
		}
	}
	return 0;
}

int web_publication_load(const char *dir, struct web_verifier *verifier, int allow_fallback,
			 struct web_publication **out, char *err, size_t errlen)
{
	*out = NULL;
	struct web_publication *pub = calloc(1, sizeof *pub);
	if (!pub) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pub->verifier = verifier;
	struct loader ld = {.dir = dir, .pub = pub, .verifier = verifier, .err = err, .errlen = errlen};
	ld.dirfd = pub->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ld.dirfd < 0) {
		snprintf(err, errlen, "publication directory %s: %s", dir, strerror(errno));
		free(pub);
		return -1;
	}
	struct index_records rec = {0};
	int rc = load_index(&ld, &rec);
	if (rc == 0)
		rc = load_certs(&ld);
	if (rc == 0)
		rc = finish(&ld);
	if (rc != 0 && allow_fallback) {
		char reason[512];
		snprintf(reason, sizeof reason, "%s", err);
		clear_contents(pub);
		rc = load_fallback(&ld, &rec, reason);
		if (rc == 0)
			rc = finish(&ld);
		if (rc != 0) {
			char why[VNTL_ERR_MAX];
			snprintf(why, sizeof why, "%s", err);
			snprintf(err, errlen, "%s; and no verified archive set to fall back to: %s",
				 reason, why);
		}
	}
	if (rc != 0) {
		web_publication_free(pub);
		return -1;
	}
	*out = pub;
	return 0;
}

const struct web_file *web_publication_find(const struct web_publication *pub, const char *name)
{
	struct web_file key = {.name = (char *)name};
	return bsearch(&key, pub->files, pub->file_count, sizeof *pub->files, compare_files);
}

/* ---- archive versions, from disk ---- */

static const struct web_list_info *list_named(const struct web_publication *pub, const char *name,
					      size_t len)
{
	for (size_t i = 0; i < pub->list_count; i++)
		if (strlen(pub->lists[i].name) == len && strncmp(pub->lists[i].name, name, len) == 0)
			return &pub->lists[i];
	return NULL;
}

enum web_archive_result web_publication_read_archive(const struct web_publication *pub,
						     const char *name, struct web_file *out,
						     int *logged)
{
	*logged = 0;
	const char *slash = strchr(name, '/');
	const struct web_list_info *li = slash ? list_named(pub, name, (size_t)(slash - name)) : NULL;
	long long seq = li ? archive_sequence(slash + 1) : -1;
	/* The current version is served from memory; newer ones are not
	 * published yet, except in a degraded set, which stands in for them. */
	if (seq < 0 || seq == li->sequence || (seq > li->sequence && !pub->degraded))
		return WEB_ARCHIVE_NONE;
	unsigned char *data;
	size_t len;
	struct stat st;
	char why[VNTL_ERR_MAX];
	if (web_read_beneath(pub->dirfd, name, WEB_MAX_FILE_SIZE, &data, &len, &st, why,
			     sizeof why) != 0) {
		if (errno == ENOENT)
			return WEB_ARCHIVE_NONE;
		/* Logged once per file, not once per request. */
		if (web_verifier_recall(pub->verifier, name, "-") != 0) {
			web_verifier_remember(pub->verifier, name, "-", 0);
			log_rejected(name, why);
			*logged = 1;
		}
		return WEB_ARCHIVE_REFUSED;
	}
	char sha[65];
	sha256_hex(data, len, sha);
	int verdict = web_verifier_recall(pub->verifier, name, sha);
	if (verdict < 0) {
		struct web_verified v;
		verdict = web_verify_list(pub->verifier, li->name, seq, data, len, &v, why,
					  sizeof why) == 0;
		web_verifier_remember(pub->verifier, name, sha, verdict);
		if (!verdict) {
			log_rejected(name, why);
			*logged = 1;
		}
	}
	if (!verdict) {
		free(data);
		return WEB_ARCHIVE_REFUSED;
	}
	memset(out, 0, sizeof *out);
	out->name = NULL;
	out->data = data;
	out->len = len;
	out->mtime = st.st_mtim.tv_sec;
	memcpy(out->sha256, sha, 65);
	return WEB_ARCHIVE_OK;
}

/* ---- checking the served set again ---- */

static int same_stamp(const struct web_tracked *t, const struct stat *st)
{
	return t->stamped && t->dev == st->st_dev && t->ino == st->st_ino && t->size == st->st_size &&
	       same_time(t->mtime, st->st_mtim) && same_time(t->ctime, st->st_ctim);
}

/* 0 when `t` on disk is still the verified file; -1 with why. */
static int check_tracked(struct web_publication *pub, struct web_tracked *t, int rehash, char *why,
			 size_t whylen)
{
	struct stat st;
	int fd = web_open_beneath(pub->dirfd, t->rel, 0, &st);
	if (fd < 0) {
		snprintf(why, whylen, "%s", web_open_problem(errno));
		return -1;
	}
	close(fd);
	if (!rehash && t->strikes == 0 && same_stamp(t, &st))
		return 0;
	unsigned char *data;
	size_t len;
	if (web_read_beneath(pub->dirfd, t->rel, WEB_MAX_FILE_SIZE, &data, &len, &st, why,
			     whylen) != 0)
		return -1;
	char sha[65];
	sha256_hex(data, len, sha);
	free(data);
	if (strcmp(sha, t->sha256) != 0) {
		snprintf(why, whylen, "its bytes changed since they were verified (SHA-256 %s, verified %s)",
			 sha, t->sha256);
		return -1;
	}
	set_stamp(t, &st);
	return 0;
}

/* Appends "rel: why" to `problem` while it fits; 0 when it did not. */
static int add_problem(char *problem, size_t len, const struct web_tracked *t)
{
	size_t used = strlen(problem);
	int n = snprintf(problem + used, len - used, "%s%s: %s", used ? "; " : "", t->rel, t->problem);
	if (n < 0 || (size_t)n >= len - used - 40) { /* room left for the count */
		problem[used] = '\0';
		return 0;
	}
	return 1;
}

size_t web_publication_recheck(struct web_publication *pub, int rehash, char *problem,
			       size_t problem_len)
{
	size_t newly = 0, untold = 0;
	problem[0] = '\0';
	for (size_t i = 0; i < pub->tracked_count; i++) {
		struct web_tracked *t = &pub->tracked[i];
		char why[sizeof t->problem]; /* as kept, so that the same problem compares equal */
		if (check_tracked(pub, t, rehash, why, sizeof why) == 0) {
			if (t->problem[0])
				web_log("info", "publication-file-restored", "file=\"%s\"", t->rel);
			t->problem[0] = '\0';
			t->strikes = 0;
			continue;
		}
		if (++t->strikes < 2)
			continue;
		if (!t->problem[0] || strcmp(t->problem, why) != 0) {
			log_rejected(t->rel, why);
			newly++;
		}
		snprintf(t->problem, sizeof t->problem, "%s", why);
		if (untold || !add_problem(problem, problem_len, t))
			untold++;
	}
	size_t n = strlen(problem);
	if (untold)
		snprintf(problem + n, problem_len - n, "; and %zu more file(s)", untold);
	n = strlen(problem);
	if (n)
		snprintf(problem + n, problem_len - n, " (the last verified copies are served)");
	return newly;
}

void web_publication_free(struct web_publication *pub)
{
	if (!pub)
		return;
	clear_contents(pub);
	free(pub->files);
	free(pub->tracked);
	if (pub->dirfd >= 0)
		close(pub->dirfd);
	free(pub);
}
