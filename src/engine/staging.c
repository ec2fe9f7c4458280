// SPDX-License-Identifier: GPL-2.0-only
/*
 * Staged packets over all peers: their count, the engine-wide cap, and the
 * peers grouped by queue length (staging.h says why). A peer with n staged
 * packets sits in the list by_len[n]; a push or pop moves it to the next
 * list up or down, and max_len follows, as the peer moved sits in the list
 * next to the one it left.
 */
#include <string.h>

#include "engine/peer.h"
#include "engine/staging.h"

void staging_init(struct staging *s)
{
	memset(s, 0, sizeof(*s));
}

static void link_peer(struct staging *s, struct peer *peer)
{
	unsigned len = peer->staged.len;

	peer->staging_prev = NULL;
	peer->staging_next = s->by_len[len];
	if (peer->staging_next)
		peer->staging_next->staging_prev = peer;
	s->by_len[len] = peer;
	if (len > s->max_len)
		s->max_len = len;
}

static void unlink_peer(struct staging *s, struct peer *peer)
{
	unsigned len = peer->staged.len;

	if (peer->staging_prev)
		peer->staging_prev->staging_next = peer->staging_next;
	else
		s->by_len[len] = peer->staging_next;
	if (peer->staging_next)
		peer->staging_next->staging_prev = peer->staging_prev;
	peer->staging_prev = peer->staging_next = NULL;
}

struct peer *staging_victim(const struct staging *s, struct peer *peer)
{
	if (peer->staged.len >= MAX_STAGED_PACKETS)
		return peer;
	if (!s->limit || s->total < s->limit)
		return NULL;
	if (peer->staged.len >= s->max_len)
		return peer;
	return s->by_len[s->max_len];
}

void staging_push(struct staging *s, struct peer *peer, struct pktbuf *buf)
{
	if (peer->staged.len)
		unlink_peer(s, peer);
	pktbuf_queue_push(&peer->staged, buf);
	link_peer(s, peer);
	s->total++;
}

struct pktbuf *staging_pop(struct staging *s, struct peer *peer)
{
	struct pktbuf *buf;

	if (!peer->staged.len)
		return NULL;
	unlink_peer(s, peer);
	buf = pktbuf_queue_pop(&peer->staged);
	s->total--;
	/* Only the longest list can have emptied; the peer now heads the one below. */
	if (!s->by_len[s->max_len])
		s->max_len--;
	if (peer->staged.len)
		link_peer(s, peer);
	return buf;
}

void staging_forget(struct staging *s, struct peer *peer)
{
	unsigned len = peer->staged.len;

	if (!len)
		return;
	unlink_peer(s, peer);
	s->total -= len;
	while (s->max_len && !s->by_len[s->max_len])
		s->max_len--;
}
