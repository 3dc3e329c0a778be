/* Publication directories for vntld's tests (see web_fixture.h). */
#include "tests/lib/web_fixture.h"

#include "web/publication.h"

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
