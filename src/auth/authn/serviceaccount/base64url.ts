/**
 * A cheap test for canonical unpadded base64url (RFC 4648 section 5 without padding, zero trailing bits): the form
 * every JWS signer writes, and the one whose decoding needs none of Go's tolerance for padding, whitespace and
 * stray bits. Equivalent to "re-encoding the decoded bytes gives the text back", without building that text.
 */

/** The value of a base64url alphabet character. */
function sextet(c: number): number {
  if (c >= 0x61) return c - 0x61 + 26; // a-z
  if (c >= 0x41) return c === 0x5f ? 63 : c - 0x41; // A-Z, _
  return c === 0x2d ? 62 : c - 0x30 + 52; // -, 0-9
}

/**
 * Whether `part` is canonical unpadded base64url, given `decodedLength`, the byte count Node's base64url decoder
 * produced for it (`Buffer.from(part, 'base64url').length`, or what `buf.write(part, o, 'base64url')` returned).
 *
 * Node skips characters outside the alphabet and stops at `=`, so any of them leaves fewer bytes than the length
 * allows (lengths of 4k+1 excepted, which are never canonical); it reads UTF-16 code units by their low byte, so
 * the text must be ASCII; and it accepts standard base64's `+` and `/`, which are looked for.
 */
export function isCanonicalBase64Url(part: string, decodedLength: number): boolean {
  const len = part.length;
  const rem = len % 4;
  if (rem === 1 || decodedLength !== Math.floor((len * 3) / 4)) return false;
  if (Buffer.byteLength(part, 'utf8') !== len) return false;
  if (part.indexOf('+') >= 0 || part.indexOf('/') >= 0) return false;
  // The last character of a 2- or 3-character group carries 4 or 2 bits that no byte uses; they must be zero.
  return rem === 0 || (sextet(part.charCodeAt(len - 1)) & (rem === 2 ? 0x0f : 0x03)) === 0;
}
