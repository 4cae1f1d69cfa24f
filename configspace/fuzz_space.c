/*
 * libFuzzer entry for the space-file loader.  Whatever loads must also
 * behave: a few configurations are unranked, named, parsed back and
 * ranked again, and each must come back to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "configspace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct cs_space *sp;
	struct cs_error err;

	memcpy(text, data, size);
	text[size] = '\0';
	sp = cs_load_string(text, "fuzz.yaml", &err);
	free(text);
	if (sp == NULL)
		return 0;

	for (uint64_t i = 0; i < cs_count(sp) && i < 64; i++) {
		struct cs_config cfg, back;
		struct strbuf name;
		char msg[256];
		uint64_t idx = i * (cs_count(sp) / 64 + 1);

		if (cs_unrank(sp, idx, &cfg) != 0)
			break;
		sb_init(&name);
		cs_name(sp, &cfg, &name);
		if (cs_parse(sp, name.buf, &back, msg, sizeof(msg)) != 0 ||
		    !cs_config_equal(&cfg, &back) || cs_rank(sp, &back) != idx)
			abort();
		sb_free(&name);
	}
	cs_free(sp);
	return 0;
}
