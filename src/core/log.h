/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Logging with levels. One process-wide sink: stderr (the default), or
 * syslog once log_to_syslog() is called (a daemon in the background).
 * Never call these per packet on the datapath: count drops instead.
 *
 * On stderr, a line is "PREFIXmessage" when stderr is a terminal, and
 * "<N>PREFIXmessage" otherwise, N being the syslog priority (3 error, 4
 * warning, 6 info, 7 debug): the form journald (stderr connected to the
 * journal, $JOURNAL_STREAM) and `systemd-cat' read as the line's priority.
 * No line carries a timestamp: the journal, syslog or the terminal's user
 * has one.
 */
#ifndef WARREN_CORE_LOG_H
#define WARREN_CORE_LOG_H

#include <stdbool.h>
#include <stdint.h>

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

/*
 * Whether stderr lines get "<N>" priority prefixes: true when @fd is the
 * journal's stream (@journal_stream, $JOURNAL_STREAM's "DEV:INO", names
 * @fd's device and inode) or is not a terminal. Decided once per process
 * for stderr, on the first line.
 */
bool log_wants_priority(int fd, const char *journal_stream);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A warning (priority 4): shown at the levels that show errors. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define pr_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define pr_warn(...) log_warn(__VA_ARGS__)
#define pr_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_LEVEL_VERBOSE, __VA_ARGS__)

/* "peer(" 4 "…" (3 bytes of UTF-8) 4 ")" and a NUL. */
enum { LOG_PEER_NAME_LEN = 5 + 4 + 3 + 4 + 1 + 1 };

/*
 * Names a peer in logs as wireguard-go does: "peer(abcd…wxyz)", the first
 * four and the last four characters (before the '=') of its base64 public
 * key, which `wg show' prints in full. Returns @buf.
 */
const char *log_peer_name(char buf[LOG_PEER_NAME_LEN], const uint8_t public_key[32]);

#endif
