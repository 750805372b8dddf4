// A small reader for the ZIP files tfx writes (a VSIX is a ZIP): reads the central directory,
// inflates entries with node:zlib and checks their CRC-32. No ZIP64, no encryption, no multi-disk
// archives: a VSIX of a few hundred kilobytes needs none of them.
//
// As a library:  import { readZip, extractZip } from './lib/zip.mjs'
// As a command:  node scripts/lib/zip.mjs list <file.zip>            prints the entry names as JSON
//                node scripts/lib/zip.mjs extract <file.zip> <dir>   extracts, prints the names as JSON
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/**
 * The entries of a ZIP archive: { name, size, compressedSize, data() } where data() returns the
 * inflated, CRC-checked bytes. Directory entries (names ending in '/') are included.
 */
export function readZip(buffer) {
  const end = findEndOfCentralDirectory(buffer);
  const count = buffer.readUInt16LE(end + 10);
  let offset = buffer.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) throw new Error(`bad central header #${i}`);
    const flags = buffer.readUInt16LE(offset + 8);
    const method = buffer.readUInt16LE(offset + 10);
    const crc = buffer.readUInt32LE(offset + 16);
    const compressedSize = buffer.readUInt32LE(offset + 20);
    const size = buffer.readUInt32LE(offset + 24);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const localOffset = buffer.readUInt32LE(offset + 42);
    const name = buffer.toString(flags & 0x800 ? 'utf8' : 'latin1', offset + 46, offset + 46 + nameLength);
    if (flags & 0x1) throw new Error(`${name}: encrypted entries are not supported`);
    entries.push({
      name,
      size,
      compressedSize,
      data: () => entryData(buffer, { name, method, crc, compressedSize, size, localOffset }),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Extracts every file of a ZIP archive into `dir` (created if needed) and returns the entry names.
 * Rejects names that would land outside `dir`.
 */
export function extractZip(buffer, dir) {
  const target = path.resolve(dir);
  const names = [];
  for (const entry of readZip(buffer)) {
    const file = path.resolve(target, entry.name);
    if (!file.startsWith(target + path.sep)) throw new Error(`entry outside ${dir}: ${entry.name}`);
    names.push(entry.name);
    if (entry.name.endsWith('/')) {
      mkdirSync(file, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, entry.data());
  }
  return names;
}

function findEndOfCentralDirectory(buffer) {
  // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  const stop = Math.max(0, buffer.length - 22 - 0xffff);
  for (let at = buffer.length - 22; at >= stop; at--) {
    if (buffer.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new Error('not a ZIP file (no end of central directory record)');
}

function entryData(buffer, { name, method, crc, compressedSize, size, localOffset }) {
  if (buffer.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) throw new Error(`${name}: bad local header`);
  // Sizes in the local header may be zero (data descriptor); the central directory's are used.
  const nameAndExtra = buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
  const start = localOffset + 30 + nameAndExtra;
  const raw = buffer.subarray(start, start + compressedSize);
  let data;
  if (method === 0) data = Buffer.from(raw);
  else if (method === 8) data = inflateRawSync(raw);
  else throw new Error(`${name}: unsupported compression method ${method}`);
  if (data.length !== size) throw new Error(`${name}: size ${data.length}, expected ${size}`);
  if (crc32(data) !== crc) throw new Error(`${name}: CRC-32 mismatch`);
  return data;
}

let crcTable;

/** CRC-32 (IEEE 802.3), as used by ZIP and PNG. */
export function crc32(bytes) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, file, dir] = process.argv.slice(2);
  if (command === 'list' && file) {
    console.log(JSON.stringify(readZip(readFileSync(file)).map((e) => e.name)));
  } else if (command === 'extract' && file && dir) {
    console.log(JSON.stringify(extractZip(readFileSync(file), dir)));
  } else {
    console.error('usage: node scripts/lib/zip.mjs list <file.zip> | extract <file.zip> <dir>');
    process.exit(2);
  }
}
