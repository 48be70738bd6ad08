/**
 * The text of a legacy page from its bytes (issue 7, Extract): GBK, GB2312 and GB18030 pages are
 * as common on old government sites as UTF-8 ones. Order: a byte-order mark, the charset of the
 * Content-Type header, a <meta> charset in the first 4 KB; when none is given, or what is given
 * does not decode cleanly, UTF-8 if the bytes are valid UTF-8, else GB18030 (a superset of GBK
 * and GB2312, which are decoded as GB18030 too). Pure.
 */

export interface DecodedPage { text: string; encoding: string }

const GB = new Set(['gbk', 'gb2312', 'gb18030', 'x-gbk', 'gb_2312-80', 'csgb2312', 'euc-cn']);

function normalise(label: string | null | undefined): string | null {
  const l = label?.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (!l) return null;
  if (GB.has(l)) return 'gb18030';
  if (l === 'utf8' || l === 'utf-8') return 'utf-8';
  try {
    return new TextDecoder(l).encoding;
  } catch {
    return null; // a label Node does not know: decide from the bytes
  }
}

/** The charset a Content-Type header or the page's <meta> declares. */
export function declaredCharset(bytes: Uint8Array, contentType?: string | null): string | null {
  const header = /charset\s*=\s*([^;\s]+)/i.exec(contentType ?? '')?.[1];
  if (header) return normalise(header);
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
  return normalise(meta);
}

function strict(bytes: Uint8Array, encoding: string): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/** Decode a page's bytes as its declaration says, or as its bytes show. */
export function decodePage(bytes: Uint8Array, contentType?: string | null): DecodedPage {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  const declared = declaredCharset(bytes, contentType);
  if (declared) {
    const text = strict(bytes, declared);
    if (text !== null) return { text, encoding: declared };
  }
  // Undeclared, or declared wrongly (a GBK page saying UTF-8 is common): the bytes decide.
  const utf8 = strict(bytes, 'utf-8');
  if (utf8 !== null) return { text: utf8, encoding: 'utf-8' };
  const gb = strict(bytes, 'gb18030');
  if (gb !== null) return { text: gb, encoding: 'gb18030' };
  return { text: new TextDecoder(declared ?? 'utf-8').decode(bytes), encoding: declared ?? 'utf-8' };
}
