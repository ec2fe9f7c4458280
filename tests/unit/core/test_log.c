// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/log.h"

static void level_names(void **state)
{
	static const struct {
		const char *in;
		int ret;
		enum log_level out;
	} cases[] = {
	    /* 1 */ {"verbose", 0, LOG_LEVEL_VERBOSE},
	    /* 2 */ {"debug", 0, LOG_LEVEL_VERBOSE},
	    /* 3 */ {"error", 0, LOG_LEVEL_ERROR},
	    /* 4 */ {"silent", 0, LOG_LEVEL_SILENT},
	    /* 5 */ {"loud", -EINVAL, LOG_LEVEL_INFO},
	    /* 6 */ {"", -EINVAL, LOG_LEVEL_INFO},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum log_level level = LOG_LEVEL_INFO;

		assert_int_equal(log_level_parse(cases[i].in, &level), cases[i].ret);
		assert_int_equal(level, cases[i].out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(level_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
