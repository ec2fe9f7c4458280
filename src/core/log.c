// SPDX-License-Identifier: GPL-2.0-only
#include "core/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "core/key.h"

static enum log_level threshold = LOG_LEVEL_INFO;
static bool use_syslog;
static const char *line_prefix;
static int stderr_priority = -1; /* -1: not decided yet */

void log_set_level(enum log_level level)
{
	threshold = level;
}

enum log_level log_get_level(void)
{
	return threshold;
}

int log_level_parse(const char *s, enum log_level *level)
{
	static const struct {
		const char *name;
		enum log_level level;
	} names[] = {
	    {"verbose", LOG_LEVEL_VERBOSE}, {"debug", LOG_LEVEL_VERBOSE}, {"info", LOG_LEVEL_INFO},
	    {"error", LOG_LEVEL_ERROR},	    {"silent", LOG_LEVEL_SILENT},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i].name)) {
			*level = names[i].level;
			return 0;
		}
	}
	return -EINVAL;
}

void log_to_syslog(const char *ident)
{
	openlog(ident, LOG_PID, LOG_DAEMON);
	use_syslog = true;
}

void log_set_prefix(const char *prefix)
{
	line_prefix = prefix;
}

/*
 * systemd.exec(5): JOURNAL_STREAM is "DEV:INO" of the stream connected to
 * the journal; a process checks it against its stderr, which may have been
 * redirected since.
 */
bool log_wants_priority(int fd, const char *journal_stream)
{
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (journal_stream && !fstat(fd, &st) &&
	    sscanf(journal_stream, "%llu:%llu%c", &dev, &ino, &end) == 2 &&
	    dev == (unsigned long long)st.st_dev && ino == (unsigned long long)st.st_ino)
		return true;
	return !isatty(fd);
}

static void emit(int priority, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void emit(int priority, const char *fmt, va_list ap)
{
	if (use_syslog) {
		vsyslog(priority, fmt, ap);
		return;
	}
	if (stderr_priority < 0)
		stderr_priority = log_wants_priority(STDERR_FILENO, getenv("JOURNAL_STREAM"));
	if (stderr_priority)
		fprintf(stderr, "<%d>", priority);
	if (line_prefix)
		fputs(line_prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > threshold || level == LOG_LEVEL_SILENT)
		return;
	va_start(ap, fmt);
	emit(level == LOG_LEVEL_ERROR  ? LOG_ERR
	     : level == LOG_LEVEL_INFO ? LOG_INFO
				       : LOG_DEBUG,
	     fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	if (threshold < LOG_LEVEL_ERROR)
		return;
	va_start(ap, fmt);
	emit(LOG_WARNING, fmt, ap);
	va_end(ap);
}

const char *log_peer_name(char buf[LOG_PEER_NAME_LEN], const uint8_t public_key[32])
{
	char b64[KEY_BASE64_LEN + 1];

	key_to_base64(b64, public_key);
	snprintf(buf, LOG_PEER_NAME_LEN, "peer(%.4s\xe2\x80\xa6%.4s)", b64,
		 b64 + KEY_BASE64_LEN - 5);
	return buf;
}
