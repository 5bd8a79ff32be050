/**
 * PEM block splitting with the tolerance of Go's encoding/pem: every block is returned whatever its type label,
 * RFC 1421 headers are skipped, and malformed blocks are ignored rather than failing the whole file.
 */

/** One decoded PEM block. */
export interface PemBlock {
  type: string;
  bytes: Buffer;
}

const BLOCK = /-----BEGIN ([^\r\n]*?)-----\r?\n([\s\S]*?)-----END \1-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/=\s]*$/;

/** All well-formed PEM blocks of `data`, in file order. Never throws. */
export function decodePemBlocks(data: string | Buffer): PemBlock[] {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    let body = m[2];
    // Headers (e.g. Proc-Type) end at the first blank line; a body without a colon has none.
    const firstLine = body.split(/\r?\n/, 1)[0];
    if (firstLine.includes(':')) {
      const blank = body.search(/\r?\n\r?\n/);
      if (blank < 0) continue;
      body = body.slice(blank).trimStart();
    }
    if (!BASE64_BODY.test(body)) continue;
    const compact = body.replace(/\s+/g, '');
    if (compact.length % 4 !== 0) continue;
    blocks.push({ type: m[1], bytes: Buffer.from(compact, 'base64') });
  }
  return blocks;
}
