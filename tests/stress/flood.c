// SPDX-License-Identifier: GPL-2.0-only
/*
 * UDP load for the stress suite (tests/stress/README.md): WireGuard-shaped
 * datagrams sent at a set rate to one daemon's port, from its own socket.
 *
 *   flood ADDR PORT MODE RATE SECONDS [PUBKEY [SOURCES]]
 *
 *   MODE random  148-byte type-1 messages, every byte after the type random
 *                (so mac1 is wrong: a responder drops them after one MAC)
 *        mac1    148-byte initiations whose mac1 is valid for PUBKEY (the
 *                victim's base64 public key); the rest random, mac2 zero
 *        junk    malformed datagrams of every shape (see junk_fill): empty,
 *                truncated and oversized handshakes, unknown types, data
 *                messages for indices nobody holds, up to 65507 bytes
 *   RATE     datagrams per second, 0 = as fast as this machine sends
 *   SOURCES  an IPv4 prefix, e.g. 10.99.0.0/16: each datagram leaves from the
 *            next address in it (IP_PKTINFO), as a flood of spoofed sources
 *            would come; the prefix must be local to the sender (an AnyIP
 *            route: ip route add local 10.99.0.0/16 dev lo). Then ADDR must
 *            be IPv4.
 *
 * mac1 is computed here with OpenSSL, independently of the code under test,
 * as the WireGuard paper (section 5.4.4) and the Linux module's cookie.c
 * (wg_cookie_add_mac_to_packet) define it: key = BLAKE2s-256("mac1----" ||
 * responder's static public key), mac1 = keyed BLAKE2s-128 over the message
 * up to mac1 (116 bytes of an initiation).
 *
 * Messages come from a pool made at start (POOL distinct messages, sent in
 * turn), so the rate is the socket's, not the hash's. Replies are read
 * between batches and counted: cookie replies (type 3, 64 bytes) show that
 * the victim found mac1 valid and was under load.
 *
 * Prints one line: "sent=N errors=N seconds=S rate=R cookie_replies=N".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
	POOL = 65536,
	JUNK_POOL = 4096,
	BATCH = 32,
	INIT_LEN = 148,
	INIT_MAC1_OFF = 116,
	MAX_DGRAM = 65507,
};

struct pool {
	unsigned char **msg;
	size_t *len;
	size_t n;
};

static void die(const char *what)
{
	fprintf(stderr, "flood: %s\n", what);
	exit(1);
}

static void random_bytes(void *p, size_t len)
{
	if (RAND_bytes(p, (int)len) != 1)
		die("RAND_bytes failed");
}

/* Keyed BLAKE2s with a 16-byte output, over msg[0..len). */
static void mac16(EVP_MAC_CTX *ctx, const unsigned char key[32], const unsigned char *msg,
		  size_t len, unsigned char out[16])
{
	size_t size = 16, outl = 0;
	OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
			       OSSL_PARAM_construct_end()};

	if (EVP_MAC_init(ctx, key, 32, params) != 1 || EVP_MAC_update(ctx, msg, len) != 1 ||
	    EVP_MAC_final(ctx, out, &outl, 16) != 1 || outl != 16)
		die("BLAKE2SMAC failed");
}

/* BLAKE2s-256("mac1----" || pub): the key of every mac1 sent to pub's owner. */
static void mac1_key(const unsigned char pub[32], unsigned char key[32])
{
	unsigned int outl = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_MD *b2s = EVP_MD_fetch(NULL, "BLAKE2S-256", NULL);

	if (!md || !b2s || EVP_DigestInit_ex(md, b2s, NULL) != 1 ||
	    EVP_DigestUpdate(md, "mac1----", 8) != 1 || EVP_DigestUpdate(md, pub, 32) != 1 ||
	    EVP_DigestFinal_ex(md, key, &outl) != 1 || outl != 32)
		die("BLAKE2s-256 failed");
	EVP_MD_free(b2s);
	EVP_MD_CTX_free(md);
}

static void pool_alloc(struct pool *p, size_t n)
{
	p->n = n;
	p->msg = calloc(n, sizeof(*p->msg));
	p->len = calloc(n, sizeof(*p->len));
	if (!p->msg || !p->len)
		die("out of memory");
}

static unsigned char *msg_alloc(struct pool *p, size_t i, size_t len)
{
	p->len[i] = len;
	p->msg[i] = malloc(len ? len : 1);
	if (!p->msg[i])
		die("out of memory");
	random_bytes(p->msg[i], len);
	return p->msg[i];
}

/* A type-1 message of INIT_LEN bytes: a valid mac1 when ctx is set. */
static void initiation(unsigned char *m, EVP_MAC_CTX *ctx, const unsigned char key[32])
{
	m[0] = 1;
	m[1] = m[2] = m[3] = 0;
	if (ctx) {
		mac16(ctx, key, m, INIT_MAC1_OFF, m + INIT_MAC1_OFF);
		memset(m + INIT_MAC1_OFF + 16, 0, 16);
	}
}

static size_t rand_below(size_t n)
{
	uint32_t r;

	random_bytes(&r, sizeof(r));
	return n ? r % n : 0;
}

/*
 * One malformed datagram per shape, in turn. Sizes a responder must drop
 * ([K] messages.h, [GO] device/receive.go): types 1-3 of any but their exact
 * size, type 4 under 32 bytes, any other type. Shapes of the right size carry
 * random content: wrong mac1, unknown receiver indices.
 */
static void junk_fill(struct pool *p, size_t i, EVP_MAC_CTX *ctx, const unsigned char key[32])
{
	static const size_t exact[] = {0, 148, 92, 64};
	unsigned char *m;
	size_t len, type;

	switch (i % 13) {
	case 0: /* empty */
		msg_alloc(p, i, 0);
		return;
	case 1: /* shorter than a type field */
		msg_alloc(p, i, 1 + rand_below(3));
		return;
	case 2: /* types 1-3, any size but their own */
	case 3:
	case 4:
		type = i % 13 - 1;
		do
			len = 4 + rand_below(300);
		while (len == exact[type]);
		m = msg_alloc(p, i, len);
		m[0] = (unsigned char)type;
		m[1] = m[2] = m[3] = 0;
		return;
	case 5: /* a data message too short for its header and tag */
		m = msg_alloc(p, i, 4 + rand_below(28));
		m[0] = 4;
		m[1] = m[2] = m[3] = 0;
		return;
	case 6: /* a data message for an index nobody holds */
		m = msg_alloc(p, i, 32 + rand_below(1470));
		m[0] = 4;
		m[1] = m[2] = m[3] = 0;
		return;
	case 7: /* types 1-3 of their exact size, random content */
	case 8:
	case 9:
		type = i % 13 - 6;
		m = msg_alloc(p, i, exact[type]);
		m[0] = (unsigned char)type;
		m[1] = m[2] = m[3] = 0;
		return;
	case 10: /* an unknown type, or a known one with reserved bytes set */
		m = msg_alloc(p, i, 4 + rand_below(200));
		if (i & 1)
			m[0] = (unsigned char)(5 + rand_below(251));
		else
			m[0] = 1, m[1] |= 1;
		return;
	case 11: /* oversized: up to the largest UDP payload */
		msg_alloc(p, i, 1501 + rand_below(MAX_DGRAM - 1500));
		return;
	default: /* a valid-mac1 initiation, truncated or extended by one */
		len = (i & 1) ? INIT_LEN - 1 : INIT_LEN + 1;
		m = msg_alloc(p, i, len > INIT_LEN ? len : INIT_LEN);
		initiation(m, ctx, key);
		p->len[i] = len;
		return;
	}
}

/* Spoofed sources: @count addresses from @base (host order), each in turn. */
struct sources {
	uint32_t base, count, next;
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cmsg[BATCH];
};

static void sources_parse(struct sources *src, const char *prefix)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(prefix, '/');
	struct in_addr in;
	long bits;

	if (!slash || (size_t)(slash - prefix) >= sizeof(addr))
		die("SOURCES: an IPv4 prefix such as 10.99.0.0/16");
	memcpy(addr, prefix, (size_t)(slash - prefix));
	addr[slash - prefix] = 0;
	bits = strtol(slash + 1, NULL, 10);
	if (inet_pton(AF_INET, addr, &in) != 1 || bits < 8 || bits > 30)
		die("SOURCES: an IPv4 prefix from /8 to /30");
	src->base = ntohl(in.s_addr) + 1;
	src->count = (1U << (32 - bits)) - 2;
	src->next = 0;
}

/* Sets message @i of the batch to leave from the next source address. */
static void sources_set(struct sources *src, struct msghdr *h, int i)
{
	struct cmsghdr *c = (struct cmsghdr *)src->cmsg[i].buf;
	struct in_pktinfo *pi;

	h->msg_control = src->cmsg[i].buf;
	h->msg_controllen = sizeof(src->cmsg[i].buf);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(*pi));
	pi = (struct in_pktinfo *)CMSG_DATA(c);
	memset(pi, 0, sizeof(*pi));
	pi->ipi_spec_dst.s_addr = htonl(src->base + src->next++ % src->count);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	struct timespec ts = {.tv_sec = (time_t)t,
			      .tv_nsec = (long)((t - (double)(time_t)t) * 1e9)};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Reads whatever came back without waiting; counts the cookie replies. */
static unsigned long drain(int fd)
{
	static unsigned char buf[BATCH][256];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned long cookies = 0;
	int n;

	for (;;) {
		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){.iov_base = buf[i], .iov_len = sizeof(buf[i])};
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return cookies;
		for (int i = 0; i < n; i++)
			if (msgs[i].msg_len == 64 && buf[i][0] == 3)
				cookies++;
	}
}

static int open_socket(const char *addr, const char *port, struct sockaddr_storage *dst,
		       socklen_t *dlen)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)dst;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)dst;
	int fd, buf = 4 << 20;
	long p = strtol(port, NULL, 10);

	if (p <= 0 || p > 65535)
		die("bad port");
	memset(dst, 0, sizeof(*dst));
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)p);
		*dlen = sizeof(*v4);
	} else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)p);
		*dlen = sizeof(*v6);
	} else {
		die("bad address");
	}
	fd = socket(dst->ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket failed");
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	return fd;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage dst;
	socklen_t dlen;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned char pub[33 + 3], key[32];
	unsigned long sent = 0, errors = 0, cookies = 0;
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac = NULL;
	struct pool pool;
	struct sources src = {0};
	double rate, secs, start, end, t;
	size_t next = 0;
	int fd;

	if (argc < 6) {
		fprintf(stderr, "usage: flood ADDR PORT random|mac1|junk RATE SECONDS [PUBKEY "
				"[SOURCES]]\n");
		return 2;
	}
	rate = strtod(argv[4], NULL);
	secs = strtod(argv[5], NULL);
	fd = open_socket(argv[1], argv[2], &dst, &dlen);
	if (argc > 6) {
		if (strlen(argv[6]) != 44 ||
		    EVP_DecodeBlock(pub, (const unsigned char *)argv[6], 44) != 33)
			die("PUBKEY: 44 base64 characters");
		mac1_key(pub, key);
		mac = EVP_MAC_fetch(NULL, "BLAKE2SMAC", NULL);
		ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
		if (!ctx)
			die("no BLAKE2SMAC in this OpenSSL");
	}
	if (argc > 7) {
		if (dst.ss_family != AF_INET)
			die("SOURCES needs an IPv4 ADDR");
		sources_parse(&src, argv[7]);
	}

	if (!strcmp(argv[3], "junk")) {
		pool_alloc(&pool, JUNK_POOL);
		for (size_t i = 0; i < pool.n; i++)
			junk_fill(&pool, i, ctx, key);
	} else if (!strcmp(argv[3], "random") || !strcmp(argv[3], "mac1")) {
		bool valid = argv[3][0] == 'm';

		if (valid && !ctx)
			die("mac1 needs PUBKEY");
		pool_alloc(&pool, POOL);
		for (size_t i = 0; i < pool.n; i++)
			initiation(msg_alloc(&pool, i, INIT_LEN), valid ? ctx : NULL, key);
	} else {
		die("MODE: random, mac1 or junk");
	}

	start = now_s();
	end = start + secs;
	while ((t = now_s()) < end) {
		int n;

		if (rate > 0) {
			double due = start + (double)(sent + errors) / rate;

			if (due > t) {
				sleep_until(due < end ? due : end);
				continue;
			}
		}
		memset(msgs, 0, sizeof(msgs));
		for (int i = 0; i < BATCH; i++) {
			size_t k = next++ % pool.n;

			iov[i] = (struct iovec){.iov_base = pool.msg[k], .iov_len = pool.len[k]};
			msgs[i].msg_hdr.msg_name = &dst;
			msgs[i].msg_hdr.msg_namelen = dlen;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			if (src.count)
				sources_set(&src, &msgs[i].msg_hdr, i);
		}
		n = sendmmsg(fd, msgs, BATCH, 0);
		if (n > 0) {
			sent += (unsigned long)n;
			next -= (size_t)(BATCH - n);
		} else {
			/* A refused or full send still costs a slot: the rate stays honest. */
			errors++;
			next -= BATCH - 1;
		}
		cookies += drain(fd);
	}
	t = now_s() - start;
	cookies += drain(fd);
	printf("sent=%lu errors=%lu seconds=%.2f rate=%.0f cookie_replies=%lu\n", sent, errors, t,
	       (double)sent / t, cookies);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return 0;
}
