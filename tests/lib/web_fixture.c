/* Publication directories for vntld's tests (see web_fixture.h). */
#include "common/sizes.h"
#include "tests/lib/web_fixture.h"

#include "web/publication.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void web_fixture_dir(const char *name, char *out, size_t outlen)
{
	const char *tmp = getenv("VNTL_TMP");
	snprintf(out, outlen, "%s/%s", tmp && *tmp ? tmp : "/tmp", name);
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s.keys' && mkdir -p '%s'", out, out, out);
	if (system(cmd) != 0)
		abort();
}

void web_fixture_write(const char *dir, const char *rel, const void *data, size_t len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	char *slash = strrchr(path, '/');
	if (slash) {
		*slash = '\0';
		char cmd[4200];
		snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
		if (system(cmd) != 0)
			abort();
		*slash = '/';
	}
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
}

void web_fixture_publish(const char *dir, const char *list, long long seq, const char *xml,
			 const char *pem)
{
	char rel[64], sha[65], pem_sha[65] = "";
	snprintf(rel, sizeof rel, "%s/%lld.xml", list, seq);
	web_fixture_write(dir, rel, xml, strlen(xml));
	snprintf(rel, sizeof rel, "%s.xml", list);
	web_fixture_write(dir, rel, xml, strlen(xml));
	web_sha256_hex(xml, strlen(xml), sha);
	char files[256] = "";
	if (pem) {
		web_fixture_write(dir, "roots.pem", pem, strlen(pem));
		web_sha256_hex(pem, strlen(pem), pem_sha);
		snprintf(files, sizeof files, ",\"files\":{\"roots.pem\":{\"sha256\":\"%s\",\"size\":%zu}}",
			 pem_sha, strlen(pem));
	}
	char index[1024];
	int n = snprintf(index, sizeof index,
			 "{\"format\":1,\"lists\":{\"%s\":{\"sequence\":%lld,\"sha256\":\"%s\",\"size\":%zu,"
			 "\"issued\":\"2026-11-23T12:00:00Z\",\"next_update\":\"2099-12-23T12:00:00Z\","
			 "\"path\":\"%s/%lld.xml\",\"url\":\"https://x/%s.xml\"}}%s}",
			 list, seq, sha, strlen(xml), list, seq, list, files);
	web_fixture_write(dir, "index.json", index, (size_t)n);
}

int web_fixture_python(const char *dir, int seq)
{
	const char *src = getenv("VNTL_SRC");
	char cmd[4400];
	snprintf(cmd, sizeof cmd, "python3 '%s/tests/lib/web_make_publication.py' '%s' %d",
		 src && *src ? src : ".", dir, seq);
	return system(cmd);
}

int web_fixture_signed(const char *dir, int seq)
{
	const char *src = getenv("VNTL_SRC");
	char cmd[4400];
	snprintf(cmd, sizeof cmd, "sh '%s/tests/lib/web_publish.sh' '%s' %d",
		 src && *src ? src : ".", dir, seq);
	return system(cmd);
}

void web_fixture_signer(const char *dir, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s.keys/pki/list-signer.pem", dir);
}

static unsigned char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = malloc(1 << 20);
	*len = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	return buf;
}

static void add_memory_file(struct web_publication *pub, const char *name, unsigned char *data,
			    size_t len)
{
	pub->files = realloc(pub->files, (pub->file_count + 1) * sizeof *pub->files);
	if (!pub->files)
		abort();
	struct web_file *f = &pub->files[pub->file_count++];
	memset(f, 0, sizeof *f);
	f->name = strdup(name);
	f->data = data;
	f->len = len;
	web_sha256_hex(data, len, f->sha256);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct web_file *)a)->name, ((const struct web_file *)b)->name);
}

struct web_publication *web_fixture_memory_publication(const char *dir, long long seq)
{
	struct web_publication *pub = calloc(1, sizeof *pub);
	if (!pub)
		abort();
	pub->dirfd = -1;
	static const char *const lists[] = {"roots", "foreign", "pointer"};
	for (size_t i = 0; i < 3; i++) {
		char path[VNTL_PATH_MAX], name[32];
		size_t len;
		snprintf(name, sizeof name, "%s.xml", lists[i]);
		snprintf(path, sizeof path, "%s/%s", dir, name);
		unsigned char *data = read_all(path, &len);
		if (!data)
			continue;
		add_memory_file(pub, name, data, len);
		struct web_list_info *li = &pub->lists[pub->list_count++];
		snprintf(li->name, sizeof li->name, "%s", lists[i]);
		li->sequence = seq;
		li->size = len;
		web_sha256_hex(data, len, li->sha256);
	}
	char certs[VNTL_PATH_MAX];
	snprintf(certs, sizeof certs, "%s/certs", dir);
	DIR *d = opendir(certs);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[4500], name[300];
		size_t len;
		snprintf(path, sizeof path, "%s/%s", certs, e->d_name);
		snprintf(name, sizeof name, "certs/%s", e->d_name);
		unsigned char *data = read_all(path, &len);
		if (data)
			add_memory_file(pub, name, data, len);
	}
	if (d)
		closedir(d);
	qsort(pub->files, pub->file_count, sizeof *pub->files, by_name);
	return pub;
}
