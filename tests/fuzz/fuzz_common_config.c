/* The configuration file reader (common/config.c): any bytes as a file.
 * It answers a configuration or an error that names the file; a loaded
 * configuration answers every key, and an integer key either gives a value
 * within its bounds or an error.
 * fuzz-dictionary: config */
#include "common/sizes.h"
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <string.h>

#include "common/config.h"

static char path[VNTL_PATH_MAX];

static const char *const probes[] = {"db", "publish.out", "server.port", "server.max_body",
				     "server.listen", "provider.max_pending", "publish.digest"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(path, sizeof path, "%s/vntl.conf", fuzz_scratch());
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_write_file(path, data, size);
	struct vntl_config *cfg = NULL;
	char err[1024] = "";
	if (vntl_config_load(path, &cfg, err, sizeof err) != 0) {
		if (cfg || strstr(err, path) == NULL)
			fuzz_fail("a refused file gave a configuration or an error without its name: %s", err);
		return 0;
	}
	if (!cfg || strcmp(vntl_config_path(cfg), path) != 0)
		fuzz_fail("a loaded configuration does not name its file");
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		(void)vntl_config_get(cfg, probes[i], NULL);
		long v = 0;
		if (vntl_config_get_long(cfg, probes[i], 5, 1, 65535, &v, err, sizeof err) == 0 &&
		    (v < 1 || v > 65535))
			fuzz_fail("%s read as %ld, outside 1..65535", probes[i], v);
	}
	vntl_config_free(cfg);
	return 0;
}
