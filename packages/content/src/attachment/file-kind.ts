import { fileTypeFromBuffer } from 'file-type';
import { invalid } from '@zhanqun/core/errors';

/** Random access to the bytes being judged: a staged upload on disk, or a buffer in tests. */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `position` (fewer at the end of the data). */
  read(position: number, length: number): Promise<Uint8Array>;
}

/** What an upload is, once its name and its content agree. */
export interface FileKind {
  /** The extension, lowercased, without the dot. */
  ext: string;
  /** The media type to store and serve: from the content, never from the client's header. */
  mediaType: string;
}

/** What the content turned out to be (our labels; file-type's extension for anything else). */
type Found =
  | 'pdf' | 'ofd' | 'cfb' | 'rtf' | 'docx' | 'xlsx' | 'pptx' | 'zip' | 'rar' | '7z'
  | 'jpg' | 'png' | 'gif' | 'mp4' | 'html' | 'svg' | 'xml' | 'text' | 'damaged-zip' | 'unknown' | `other:${string}`;

interface Allowed {
  /** How the refusal names what the extension promises. */
  name: string;
  /** The contents this extension may carry, each with the media type it is served as. */
  accepts: Partial<Record<Found, string>>;
}

const CFB = (mediaType: string) => ({ cfb: mediaType });
const ZIP = 'application/zip';

/**
 * The allow-list: what a government site publishes as 附件, and only formats whose content can be
 * recognised. Documents: pdf, ofd (版式文件, GB/T 33190), doc/docx, xls/xlsx, ppt/pptx and the
 * WPS Office formats wps/et/dps (OLE2 compound files, like doc/xls/ppt); images for articles:
 * jpg/jpeg, png, gif; archives of several files: zip, rar, 7z; video (政务视频): mp4.
 * A .doc may also be RTF, which older office systems export under that name and Word and WPS
 * open. Left out on purpose: txt, csv, html, svg and xml (no signature to check, or active
 * content a browser could run), mp3 (recognised only by a two-byte frame sync), executables.
 * The compound-file formats are told apart only as "OLE2": an .xls named .doc is no risk, and
 * file-type does not look inside them.
 */
const ALLOWED: Readonly<Record<string, Allowed>> = {
  pdf: { name: 'a PDF', accepts: { pdf: 'application/pdf' } },
  ofd: { name: 'an OFD document', accepts: { ofd: 'application/ofd' } },
  doc: { name: 'a Word document (doc)', accepts: { cfb: 'application/msword', rtf: 'application/rtf' } },
  docx: { name: 'a Word document (docx)', accepts: { docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' } },
  xls: { name: 'an Excel workbook (xls)', accepts: CFB('application/vnd.ms-excel') },
  xlsx: { name: 'an Excel workbook (xlsx)', accepts: { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } },
  ppt: { name: 'a PowerPoint presentation (ppt)', accepts: CFB('application/vnd.ms-powerpoint') },
  pptx: { name: 'a PowerPoint presentation (pptx)', accepts: { pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' } },
  // WPS Office registers no IANA types; these are the ones its Linux build declares.
  wps: { name: 'a WPS Writer document (wps)', accepts: CFB('application/wps-office.wps') },
  et: { name: 'a WPS Spreadsheets workbook (et)', accepts: CFB('application/wps-office.et') },
  dps: { name: 'a WPS Presentation (dps)', accepts: CFB('application/wps-office.dps') },
  jpg: { name: 'a JPEG image', accepts: { jpg: 'image/jpeg' } },
  jpeg: { name: 'a JPEG image', accepts: { jpg: 'image/jpeg' } },
  png: { name: 'a PNG image', accepts: { png: 'image/png' } },
  gif: { name: 'a GIF image', accepts: { gif: 'image/gif' } },
  // Any zip is a zip, including an Office or OFD file someone chose to send as .zip.
  zip: { name: 'a ZIP archive', accepts: { zip: ZIP, docx: ZIP, xlsx: ZIP, pptx: ZIP, ofd: ZIP } },
  rar: { name: 'a RAR archive', accepts: { rar: 'application/vnd.rar' } },
  '7z': { name: 'a 7z archive', accepts: { '7z': 'application/x-7z-compressed' } },
  mp4: { name: 'an MP4 video', accepts: { mp4: 'video/mp4' } },
};

/** The extensions accepted, for messages and the upload form's `accept` attribute. */
export const ALLOWED_EXTENSIONS: readonly string[] = Object.keys(ALLOWED);

const DESCRIPTIONS: Partial<Record<Found, string>> = {
  pdf: 'a PDF', ofd: 'an OFD document', cfb: 'an OLE2 compound file (doc, xls, ppt, wps, et or dps)',
  rtf: 'an RTF document', docx: 'a Word document (docx)', xlsx: 'an Excel workbook (xlsx)',
  pptx: 'a PowerPoint presentation (pptx)', zip: 'a ZIP archive', rar: 'a RAR archive', '7z': 'a 7z archive',
  jpg: 'a JPEG image', png: 'a PNG image', gif: 'a GIF image', mp4: 'an MP4 video', html: 'an HTML document',
  svg: 'an SVG image', xml: 'an XML document', text: 'plain text', unknown: 'of no recognised type',
  'damaged-zip': 'a damaged ZIP archive (its central directory cannot be read)',
  'other:exe': 'a Windows executable', 'other:elf': 'an ELF executable', 'other:mov': 'a QuickTime video',
};

function describe(found: Found): string {
  return DESCRIPTIONS[found] ?? `a file of type ${found.slice('other:'.length)}`;
}

/** The lowercased extension of a file name, or '' when it has none (".pdf" alone has none). */
export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? filename.slice(dot + 1).toLowerCase() : '';
}

/** Refuse a name whose extension is not on the allow-list, before any byte is read. */
export function assertAllowedExtension(filename: string): string {
  const ext = extensionOf(filename);
  const list = ALLOWED_EXTENSIONS.join(', ');
  if (!ext) throw invalid('file', `has no extension; allowed: ${list}`);
  if (!Object.hasOwn(ALLOWED, ext)) throw invalid('file', `type .${ext} is not allowed; allowed: ${list}`);
  return ext;
}

/**
 * Decide an upload's kind from its name and its content together: the extension must be on the
 * allow-list and the bytes must be what that extension promises. A name alone proves nothing:
 * an HTML page renamed .pdf would otherwise be served from our domain.
 */
export async function detectFileKind(filename: string, source: ByteSource): Promise<FileKind> {
  const ext = assertAllowedExtension(filename);
  if (source.size === 0) throw invalid('file', 'is empty');
  const allowed = ALLOWED[ext]!;
  const found = await sniff(source);
  const mediaType = allowed.accepts[found];
  if (!mediaType) throw invalid('file', `content is ${describe(found)}, not ${allowed.name}`);
  return { ext, mediaType };
}

/** A buffer as a ByteSource. */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (position, length) => bytes.subarray(position, position + length) };
}

/** file-type reads at most this many bytes for the formats it knows by signature. */
export const SNIFF_BYTES = 4100;

async function sniff(source: ByteSource): Promise<Found> {
  const head = await source.read(0, SNIFF_BYTES);
  // Zips are judged by their central directory at the end of the file, which a head cannot show.
  if (head[0] === 0x50 && head[1] === 0x4b) return zipKind(source);
  // file-type parses hostile input; a parser error means "not anything it knows".
  const type = await fileTypeFromBuffer(head).catch(() => undefined);
  if (!type) return textKind(head, false);
  switch (type.ext) {
    case 'xml': return textKind(head, true);
    case 'apng': return 'png';
    case 'pdf': case 'cfb': case 'rtf': case 'rar': case '7z': case 'jpg': case 'png': case 'gif': case 'mp4':
      return type.ext;
    default: return `other:${type.ext}`;
  }
}

/** file-type knows no text formats but XML: look for the markup a browser would run. */
function textKind(head: Uint8Array, xml: boolean): Found {
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const text = decoded.slice(0, 1024).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (/^<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<script[\s>]|<iframe[\s>]/.test(text)) return 'html';
  if (/<svg[\s>]/.test(text)) return 'svg';
  if (xml || text.startsWith('<?xml')) return 'xml';
  // The head may end inside a multi-byte character, hence the last one is not held against it.
  const printable = !head.includes(0) && !decoded.slice(0, -1).includes('\uFFFD');
  return printable ? 'text' : 'unknown';
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
/** A directory larger than this (about 100,000 entries) is refused rather than read into memory. */
const MAX_DIRECTORY_BYTES = 8 * 1024 * 1024;

/** Classify a zip by the names in its central directory: OOXML parts, OFD's root OFD.xml, or plain zip. */
async function zipKind(source: ByteSource): Promise<Found> {
  const names = await zipEntryNames(source);
  if (!names) return 'damaged-zip';
  if (names.includes('OFD.xml')) return 'ofd';
  if (names.includes('[Content_Types].xml')) {
    // The same directory test file-type makes when it cannot read [Content_Types].xml.
    if (names.some((n) => n.startsWith('word/'))) return 'docx';
    if (names.some((n) => n.startsWith('xl/'))) return 'xlsx';
    if (names.some((n) => n.startsWith('ppt/'))) return 'pptx';
  }
  return 'zip';
}

/** The entry names of a zip (ZIP64 included), or undefined when it has no readable directory. */
export async function zipEntryNames(source: ByteSource): Promise<string[] | undefined> {
  // The end record is 22 bytes plus a comment of up to 65,535 bytes, at the very end.
  const tailStart = Math.max(0, source.size - (22 + 0xffff));
  const tail = view(await source.read(tailStart, source.size - tailStart));
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === EOCD && i + 22 + tail.getUint16(i + 20, true) <= tail.byteLength) { eocd = i; break; }
  }
  if (eocd < 0) return undefined;
  let entries = tail.getUint16(eocd + 10, true);
  let dirSize = tail.getUint32(eocd + 12, true);
  let dirOffset = tail.getUint32(eocd + 16, true);
  if (entries === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || tail.getUint32(locator, true) !== ZIP64_LOCATOR) return undefined;
    const recordOffset = Number(tail.getBigUint64(locator + 8, true));
    const record = view(await source.read(recordOffset, 56));
    if (record.byteLength < 56 || record.getUint32(0, true) !== ZIP64_EOCD) return undefined;
    entries = Number(record.getBigUint64(32, true));
    dirSize = Number(record.getBigUint64(40, true));
    dirOffset = Number(record.getBigUint64(48, true));
  }
  if (dirSize > MAX_DIRECTORY_BYTES || dirOffset + dirSize > source.size) return undefined;
  const dir = view(await source.read(dirOffset, dirSize));
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const names: string[] = [];
  for (let at = 0, n = 0; n < entries; n++) {
    if (at + 46 > dir.byteLength || dir.getUint32(at, true) !== CENTRAL_HEADER) return undefined;
    const nameLength = dir.getUint16(at + 28, true);
    const next = at + 46 + nameLength + dir.getUint16(at + 30, true) + dir.getUint16(at + 32, true);
    if (next > dir.byteLength) return undefined;
    names.push(decoder.decode(new Uint8Array(dir.buffer, dir.byteOffset + at + 46, nameLength)));
    at = next;
  }
  return names;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
