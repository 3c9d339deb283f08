// IP address syntax as node:net's `isIP` accepts it, in plain JavaScript: importing node:net to ask would
// cost every cold start milliseconds (it loads Node's socket and stream modules), for two checks a config
// validation makes. The patterns are Node's own (lib/internal/net.js), so the same strings are addresses.
const V4_SEG = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
const V4 = `(?:${V4_SEG}\\.){3}${V4_SEG}`;
const V6_SEG = "(?:[0-9a-fA-F]{1,4})";
const V6 = [
  `(?:${V6_SEG}:){7}(?:${V6_SEG}|:)`,
  `(?:${V6_SEG}:){6}(?:${V4}|:${V6_SEG}|:)`,
  `(?:${V6_SEG}:){5}(?::${V4}|(?::${V6_SEG}){1,2}|:)`,
  `(?:${V6_SEG}:){4}(?:(?::${V6_SEG}){0,1}:${V4}|(?::${V6_SEG}){1,3}|:)`,
  `(?:${V6_SEG}:){3}(?:(?::${V6_SEG}){0,2}:${V4}|(?::${V6_SEG}){1,4}|:)`,
  `(?:${V6_SEG}:){2}(?:(?::${V6_SEG}){0,3}:${V4}|(?::${V6_SEG}){1,5}|:)`,
  `(?:${V6_SEG}:){1}(?:(?::${V6_SEG}){0,4}:${V4}|(?::${V6_SEG}){1,6}|:)`,
  `(?::(?:(?::${V6_SEG}){0,5}:${V4}|(?::${V6_SEG}){1,7}|:))`,
].join("|");

// Compiled on first use, not at import.
let patterns: { v4: RegExp; v6: RegExp } | undefined;

/** 4 or 6 when `text` is an IPv4 or IPv6 address (IPv6 with an optional `%zone`), else 0, as `net.isIP`. */
export function ipFamily(text: string): 0 | 4 | 6 {
  patterns ??= { v4: new RegExp(`^${V4}$`), v6: new RegExp(`^(?:${V6})(?:%[0-9a-zA-Z-.:]{1,})?$`) };
  if (patterns.v4.test(text)) return 4;
  return patterns.v6.test(text) ? 6 : 0;
}

// The WHATWG URL serialization of an IPv6 loopback: ::1, or 127.0.0.0/8 mapped (::ffff:7f00:0 to ::ffff:7fff:ffff).
const CANONICAL_V6_LOOPBACK = /^\[(?:::1|::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4})\]$/;

/**
 * Whether an address `ipFamily` accepted is in 127.0.0.0/8 or is ::1, in any IPv6 spelling, IPv4-mapped
 * included and a zone ignored: what a node:net `BlockList` of those two rules answers.
 */
export function isLoopbackIp(address: string, family: 4 | 6): boolean {
  if (family === 4) return address.startsWith("127.");
  const zone = address.indexOf("%");
  const bare = zone === -1 ? address : address.slice(0, zone);
  try {
    // The URL parser writes every spelling of an IPv6 address one way (zeros compressed, IPv4 tail in hex).
    return CANONICAL_V6_LOOPBACK.test(new URL(`http://[${bare}]`).host);
  } catch {
    return false;
  }
}
