// SPDX-License-Identifier: GPL-2.0-only
#include "core/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static enum log_level threshold = LOG_LEVEL_INFO;
static bool use_syslog;
static const char *line_prefix;

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

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > threshold || level == LOG_LEVEL_SILENT)
		return;
	va_start(ap, fmt);
	if (use_syslog) {
		vsyslog(level == LOG_LEVEL_ERROR  ? LOG_ERR
			: level == LOG_LEVEL_INFO ? LOG_INFO
						  : LOG_DEBUG,
			fmt, ap);
	} else {
		if (line_prefix)
			fputs(line_prefix, stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
