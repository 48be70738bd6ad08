/**
 * A Content-Disposition header for a download (RFC 6266): a plain ASCII `filename` for old
 * clients and `filename*` in UTF-8 per RFC 5987 for everyone else, so 关于印发…的通知.pdf saves
 * under its Chinese name. The plain name never carries a quote, a backslash, a control character
 * or anything outside ASCII, and the encoded one never anything outside attr-char unescaped,
 * so no file name can break out of the header.
 */
export function contentDisposition(filename: string, type: 'attachment' | 'inline' = 'attachment'): string {
  return `${type}; filename="${asciiFallback(filename)}"; filename*=UTF-8''${encodeRfc5987(filename)}`;
}

/** RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~". */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;

/**
 * Percent-encode each UTF-8 byte outside attr-char. Not encodeURIComponent: it leaves ' ( ) *
 * alone, which attr-char forbids, and throws on a lone surrogate, which a form can send (the
 * UTF-8 encoder turns one into U+FFFD instead).
 */
export function encodeRfc5987(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The name for clients that ignore `filename*`: each run of characters that cannot appear in a
 * quoted-string safely (non-ASCII, controls, `"`, `\`, and `%`, which some clients decode)
 * becomes one `_`; the extension, which the allow-list keeps ASCII, survives.
 */
export function asciiFallback(filename: string): string {
  const dot = filename.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [filename.slice(0, dot), filename.slice(dot)] : [filename, ''];
  const safe = (s: string) => s.replace(/[^\x20-\x7e]|["\\%]/gu, '_').replace(/_{2,}/g, '_');
  return `${safe(base) || '_'}${safe(ext)}`;
}
