/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging with levels. One process-wide sink: stderr (the default), or
 * syslog once log_to_syslog() is called (a daemon in the background).
 * Never call these per packet on the datapath: count drops instead.
 */
#ifndef WARREN_CORE_LOG_H
#define WARREN_CORE_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_LEVEL_SILENT = 0,
	LOG_LEVEL_ERROR = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_VERBOSE = 3,
};

/* Sets the threshold; messages above it are discarded. Default: INFO. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/*
 * Parses wireguard-go's LOG_LEVEL values: "verbose"/"debug", "error",
 * "silent". Returns 0 or -EINVAL, leaving *level unchanged.
 */
int log_level_parse(const char *s, enum log_level *level);

/* Sends messages to syslog under @ident instead of stderr. */
void log_to_syslog(const char *ident);

/* Prefix prepended to every stderr line ("warrend: wg0: "); may be NULL. */
void log_set_prefix(const char *prefix);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pr_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define pr_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_LEVEL_VERBOSE, __VA_ARGS__)

#endif
