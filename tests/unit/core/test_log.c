// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/key.h"
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

/* A terminal is shown plain lines; the journal and pipes get "<N>". */
static void priority_wanted(void **state)
{
	char name[64], other[64];
	struct stat st;
	int pipefd[2], pty;

	assert_int_equal(pipe(pipefd), 0);
	/* 1: a pipe, no journal: not a terminal, so priorities */
	assert_true(log_wants_priority(pipefd[1], NULL));
	pty = posix_openpt(O_RDWR | O_NOCTTY);
	if (pty >= 0 && isatty(pty)) {
		assert_int_equal(fstat(pty, &st), 0);
		snprintf(name, sizeof(name), "%llu:%llu", (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
		snprintf(other, sizeof(other), "%llu:%llu", (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino + 1);
		/* 2: a terminal: plain */
		assert_false(log_wants_priority(pty, NULL));
		/* 3: JOURNAL_STREAM names another stream: still the terminal */
		assert_false(log_wants_priority(pty, other));
		/* 4: JOURNAL_STREAM names this very descriptor: the journal */
		assert_true(log_wants_priority(pty, name));
		/* 5: a JOURNAL_STREAM that does not parse is ignored */
		assert_false(log_wants_priority(pty, "12:"));
		close(pty);
	}
	close(pipefd[0]);
	close(pipefd[1]);
}

/* Runs the logging calls of case @n with stderr on a pipe; returns what came out. */
static char *captured(int n)
{
	static char buf[1024];
	int pipefd[2], saved;
	ssize_t len;

	assert_int_equal(pipe(pipefd), 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(pipefd[1], STDERR_FILENO);
	switch (n) {
	case 1:
		pr_error("bad %d", 1);
		break;
	case 2:
		pr_warn("careful");
		break;
	case 3:
		pr_info("told");
		break;
	case 4:
		pr_debug("hidden at the info level");
		break;
	case 5:
		log_set_level(LOG_LEVEL_VERBOSE);
		pr_debug("shown");
		log_set_level(LOG_LEVEL_INFO);
		break;
	case 6:
		log_set_prefix("(wg0) ");
		pr_info("with prefix");
		log_set_prefix(NULL);
		break;
	case 7:
		log_set_level(LOG_LEVEL_SILENT);
		pr_error("silent");
		pr_warn("silent");
		log_set_level(LOG_LEVEL_INFO);
		break;
	}
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(pipefd[1]);
	len = read(pipefd[0], buf, sizeof(buf) - 1);
	buf[len < 0 ? 0 : len] = '\0';
	close(pipefd[0]);
	return buf;
}

/* On a pipe (not a terminal): syslog priorities, no timestamp. */
static void priority_lines(void **state)
{
	static const char *const want[] = {
	    [1] = "<3>bad 1\n", [2] = "<4>careful\n",		[3] = "<6>told\n", [4] = "",
	    [5] = "<7>shown\n", [6] = "<6>(wg0) with prefix\n", [7] = "",
	};

	unsetenv("JOURNAL_STREAM");
	for (int n = 1; n < (int)(sizeof(want) / sizeof(want[0])); n++)
		assert_string_equal(captured(n), want[n]);
}

/* wireguard-go's peer(abcd…wxyz): base64 key[0:4] + "…" + key[39:43]. */
static void peer_names(void **state)
{
	static const struct {
		const char *key, *name;
	} cases[] = {
	    /* 1 */ {"xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=", "peer(xTIB\xe2\x80\xa6p8Dg)"},
	    /* 2 */
	    {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "peer(AAAA\xe2\x80\xa6"
							     "AAAA)"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t key[KEY_LEN];
		char name[LOG_PEER_NAME_LEN];

		assert_int_equal(key_from_base64(key, cases[i].key), 0);
		assert_string_equal(log_peer_name(name, key), cases[i].name);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(level_names),
	    cmocka_unit_test(priority_wanted),
	    cmocka_unit_test(priority_lines),
	    cmocka_unit_test(peer_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
