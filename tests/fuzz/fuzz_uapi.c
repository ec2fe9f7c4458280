// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UAPI's set parser on arbitrary bytes (what any local client of the
 * socket may send), on a fresh engine each time, then the get writer on
 * whatever that configured. Besides crashes and leaks, it checks what get
 * promises: every line is key=value and the text ends with a newline.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/pktbuf.h"
#include "daemon/uapi.h"
#include "engine/engine.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pktbuf_pool *pool;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_LEVEL_SILENT);
	if (pktbuf_pool_new(&pool, 256, 2048))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_output out;
	struct engine *engine;
	char *text;
	size_t len;
	int ret;

	if (engine_new(&engine))
		return 0;
	engine_output_init(&out, pool);
	ret = uapi_set_text(engine, &out, NULL, (const char *)data, size);
	if (ret > 0)
		abort();
	if (!uapi_get_text(engine, NULL, &text, &len)) {
		if (strlen(text) != len || (len && text[len - 1] != '\n'))
			abort();
		for (char *line = text; *line;) {
			char *nl = strchr(line, '\n');

			if (!nl || !memchr(line, '=', (size_t)(nl - line)))
				abort();
			line = nl + 1;
		}
		free(text);
	}
	engine_output_reset(&out);
	engine_free(engine);
	if (pktbuf_pool_available(pool) != pktbuf_pool_size(pool))
		abort();
	return 0;
}
