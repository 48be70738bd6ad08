import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ALLOWED_EXTENSIONS, bufferSource, detectFileKind, zipEntryNames } from './file-kind.js';

// Tiny but valid samples, built here rather than kept as binary fixtures.
const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]); // 1×1, 8-bit greyscale
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.from([0, 0]))), pngChunk('IEND', Buffer.alloc(0)),
]);
const jpg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]);
const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b])]);
/** The 512-byte header of an OLE2 compound file (what doc, xls, ppt, wps, et and dps are). */
const cfb = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(16), Buffer.from([0x3e, 0, 3, 0, 0xfe, 0xff, 9, 0]), Buffer.alloc(480)]);
const rtf = Buffer.from('{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 SimSun;}} 各单位：\\par }');
const html = Buffer.from('<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(1)</script></body></html>');
const svg = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');
const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);
const exe = Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(126)]);
const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2', 'latin1')]);

/** A zip of stored (uncompressed) entries, with optional comment and ZIP64 end records. */
function zip(entries: Record<string, string>, opts: { comment?: string; zip64?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const count = Object.keys(entries).length;
  const comment = Buffer.from(opts.comment ?? '', 'utf8');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : count, 8);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : count, 10);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : dir.length, 12);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : offset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  const zip64: Buffer[] = [];
  if (opts.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(dir.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + dir.length), 8);
    locator.writeUInt32LE(1, 16);
    zip64.push(record, locator);
  }
  return Buffer.concat([...locals, dir, ...zip64, eocd, comment]);
}

const contentTypes = (main: string) => `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="${main}" ContentType="application/xml"/></Types>`;
const docx = zip({ '[Content_Types].xml': contentTypes('/word/document.xml'), '_rels/.rels': '<Relationships/>', 'word/document.xml': '<w:document/>' });
const xlsx = zip({ '[Content_Types].xml': contentTypes('/xl/workbook.xml'), 'xl/workbook.xml': '<workbook/>' });
const pptx = zip({ '_rels/.rels': '<Relationships/>', 'ppt/presentation.xml': '<p:presentation/>', '[Content_Types].xml': contentTypes('/ppt/presentation.xml') });
const ofd = zip({ 'OFD.xml': '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"/>', 'Doc_0/Document.xml': '<ofd:Document/>' });
const plainZip = zip({ '说明.txt': '附件说明', 'data/表1.csv': 'a,b' });

const kind = (name: string, bytes: Buffer) => detectFileKind(name, bufferSource(bytes));

describe('detectFileKind', () => {
  it.each([
    ['关于印发《2026年工作要点》的通知.pdf', pdf, 'pdf', 'application/pdf'],
    ['附件1.PDF', pdf, 'pdf', 'application/pdf'],
    ['电子公文.ofd', ofd, 'ofd', 'application/ofd'],
    ['申请表.doc', cfb, 'doc', 'application/msword'],
    ['申请表.doc', rtf, 'doc', 'application/rtf'],
    ['申请表.docx', docx, 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['预算表.xls', cfb, 'xls', 'application/vnd.ms-excel'],
    ['预算表.xlsx', xlsx, 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['汇报.ppt', cfb, 'ppt', 'application/vnd.ms-powerpoint'],
    ['汇报.pptx', pptx, 'pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    ['通知.wps', cfb, 'wps', 'application/wps-office.wps'],
    ['统计.et', cfb, 'et', 'application/wps-office.et'],
    ['汇报.dps', cfb, 'dps', 'application/wps-office.dps'],
    ['照片.jpg', jpg, 'jpg', 'image/jpeg'],
    ['照片.jpeg', jpg, 'jpeg', 'image/jpeg'],
    ['图表.png', png, 'png', 'image/png'],
    ['动图.gif', gif, 'gif', 'image/gif'],
    ['材料.zip', plainZip, 'zip', 'application/zip'],
    ['材料.zip', docx, 'zip', 'application/zip'],
    ['视频.mp4', mp4, 'mp4', 'video/mp4'],
  ])('should accept %s when its content agrees (%#)', async (name, bytes, ext, mediaType) => {
    await expect(kind(name, bytes)).resolves.toEqual({ ext, mediaType });
  });

  it.each([
    ['通知.pdf', html, 'content is an HTML document, not a PDF'],
    ['通知.pdf', elf, 'content is an ELF executable, not a PDF'],
    ['setup.pdf', exe, 'content is a Windows executable, not a PDF'],
    ['图标.png', svg, 'content is an SVG image, not a PNG image'],
    ['申请表.docx', png, 'content is a PNG image, not a Word document (docx)'],
    ['申请表.docx', plainZip, 'content is a ZIP archive, not a Word document (docx)'],
    ['申请表.doc', html, 'content is an HTML document, not a Word document (doc)'],
    ['预算表.xlsx', docx, 'content is a Word document (docx), not an Excel workbook (xlsx)'],
    ['预算表.xls', pdf, 'content is a PDF, not an Excel workbook (xls)'],
    ['电子公文.ofd', plainZip, 'content is a ZIP archive, not an OFD document'],
    ['电子公文.ofd', zip({ 'Doc_0/OFD.xml': '<x/>' }), 'content is a ZIP archive, not an OFD document'],
    ['材料.zip', pdf, 'content is a PDF, not a ZIP archive'],
    ['材料.zip', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40)]), 'content is a damaged ZIP archive (its central directory cannot be read), not a ZIP archive'],
    ['说明.pdf', Buffer.from('这是一段纯文本。'), 'content is plain text, not a PDF'],
    ['说明.pdf', Buffer.from([0x00, 0x13, 0x37, 0xff, 0x00, 0x01]), 'content is of no recognised type, not a PDF'],
  ])('should refuse %s whose content disagrees (%#)', async (name, bytes, message) => {
    await expect(kind(name, bytes)).rejects.toMatchObject({ code: 'ZQ_VALIDATION', statusCode: 400, field: 'file', message: `file: ${message}` });
  });

  it('should refuse unknown extensions, names without one and empty files, naming the allowed list', async () => {
    await expect(kind('setup.exe', exe)).rejects.toMatchObject({ field: 'file', message: expect.stringMatching(/^file: type \.exe is not allowed; allowed: pdf, ofd, doc, /) });
    await expect(kind('page.html', html)).rejects.toMatchObject({ message: expect.stringContaining('type .html is not allowed') });
    await expect(kind('说明.txt', Buffer.from('x'))).rejects.toMatchObject({ message: expect.stringContaining('type .txt is not allowed') });
    await expect(kind('README', pdf)).rejects.toMatchObject({ message: expect.stringContaining('file: has no extension') });
    await expect(kind('.pdf', pdf)).rejects.toMatchObject({ message: expect.stringContaining('file: has no extension') });
    await expect(kind('constructor', pdf)).rejects.toMatchObject({ message: expect.stringContaining('has no extension') });
    await expect(kind('x.constructor', pdf)).rejects.toMatchObject({ message: expect.stringContaining('type .constructor is not allowed') });
    await expect(kind('空.pdf', Buffer.alloc(0))).rejects.toMatchObject({ message: 'file: is empty' });
    expect(ALLOWED_EXTENSIONS).not.toContain('svg');
  });
});

describe('zipEntryNames', () => {
  it('should read the central directory, also behind a comment and through ZIP64 end records', async () => {
    const entries = { 'OFD.xml': '<a/>', 'Doc_0/Document.xml': '<b/>' };
    const names = ['OFD.xml', 'Doc_0/Document.xml'];
    expect(await zipEntryNames(bufferSource(zip(entries)))).toEqual(names);
    expect(await zipEntryNames(bufferSource(zip(entries, { comment: '由某系统生成'.repeat(50) })))).toEqual(names);
    expect(await zipEntryNames(bufferSource(zip(entries, { zip64: true })))).toEqual(names);
    await expect(kind('公文.ofd', zip(entries, { zip64: true }))).resolves.toEqual({ ext: 'ofd', mediaType: 'application/ofd' });
  });

  it('should answer undefined for a zip whose directory points outside the file', async () => {
    const broken = zip({ 'a.txt': 'a' });
    broken.writeUInt32LE(0x7fffffff, broken.length - 6); // the directory's offset
    expect(await zipEntryNames(bufferSource(broken))).toBeUndefined();
    expect(await zipEntryNames(bufferSource(Buffer.from('PK\x05\x06')))).toBeUndefined();
  });
});
