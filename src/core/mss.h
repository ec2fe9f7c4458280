/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TCP MSS clamping on Ethernet frames (tinc's ClampMSS, OpenVPN's mssfix):
 * a TCP segment with SYN set that carries an MSS option larger than what
 * fits the path gets that option lowered, and its TCP checksum updated
 * incrementally (RFC 1624), so that neither end sends a segment that has
 * to be fragmented. Pure: no state, no allocation.
 */
#ifndef WARREN_CORE_MSS_H
#define WARREN_CORE_MSS_H

#include <stddef.h>
#include <stdint.h>

/*
 * mss_clamp_frame: clamps the MSS option of the TCP SYN or SYN-ACK in the
 * Ethernet frame @frame (@len bytes, outside input: every field is
 * length-checked before it is read) so that a segment with that MSS makes
 * an IP packet of at most @ip_mtu bytes: @ip_mtu - 40 for TCP over IPv4
 * (without IP or TCP options), @ip_mtu - 60 over IPv6.
 *
 * Only untagged IPv4 (not a later fragment) and IPv6 whose first header is
 * TCP are looked at; VLAN-tagged frames, other protocols, and options that
 * run past the header are left untouched. Returns 1 when it lowered the
 * MSS, else 0.
 */
int mss_clamp_frame(uint8_t *frame, size_t len, uint16_t ip_mtu);

/*
 * mss_csum_replace: RFC 1624 eqn. 3, the checksum @check (as stored,
 * host order) after the 16-bit word @old became @new.
 */
uint16_t mss_csum_replace(uint16_t check, uint16_t old, uint16_t new);

#endif
