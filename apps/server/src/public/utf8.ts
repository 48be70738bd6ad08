/**
 * A rendered page as UTF-8 bytes in one pass over the text (issue 6, Speed). `Buffer.from(text)`
 * walks a page twice: once to count its bytes, once to write them. Written into a scratch buffer
 * big enough for any page (3 bytes at most per UTF-16 unit) and copied out at its exact size, a
 * 48 KB page of Chinese text encodes in ~38 µs instead of ~55 µs (scripts/bench/README.md).
 * Synchronous, so one scratch buffer serves the process.
 */
/** A scratch buffer's size: a page of up to 87,381 UTF-16 units fits, 3 bytes at most each (rendered-answer.ts takes one too). */
export const SCRATCH_BYTES = 1 << 18;
let scratch: Buffer | null = null;

export function utf8Bytes(text: string): Buffer {
  if (text.length * 3 > SCRATCH_BYTES) return Buffer.from(text, 'utf8');
  scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  const length = scratch.write(text, 'utf8');
  const bytes = Buffer.allocUnsafe(length);
  scratch.copy(bytes, 0, 0, length);
  return bytes;
}
