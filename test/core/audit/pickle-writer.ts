// A tiny pickle assembler for tests: opcodes by name, so each bypass class is written by hand,
// byte for byte, without Python. Nothing here is ever loaded by a real unpickler.
import { deflateRawSync } from 'node:zlib';
import { crc32 } from 'node:zlib';

export class P {
  private parts: Buffer[] = [];
  raw(...bytes: number[]): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  chunk(bytes: Uint8Array): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  text(s: string): this {
    return this.raw(...Buffer.from(s, 'latin1'));
  }
  proto(n: number) {
    return this.raw(0x80, n);
  }
  frame(len: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(len));
    return this.raw(0x95, ...b);
  }
  global(module: string, name: string) {
    return this.text(`c${module}\n${name}\n`);
  }
  inst(module: string, name: string) {
    return this.text(`i${module}\n${name}\n`);
  }
  sbu(s: string) {
    const b = Buffer.from(s, 'utf8');
    return this.raw(0x8c, b.length, ...b);
  }
  binunicode(s: string) {
    const b = Buffer.from(s, 'utf8');
    const n = Buffer.alloc(4);
    n.writeUInt32LE(b.length);
    return this.raw(0x58, ...n, ...b);
  }
  binbytes(bytes: Uint8Array) {
    const n = Buffer.alloc(4);
    n.writeUInt32LE(bytes.length);
    return this.raw(0x42, ...n).chunk(bytes);
  }
  string(s: string) {
    return this.text(`S'${s}'\n`);
  }
  int(n: number) {
    return this.raw(0x4b, n);
  }
  stackGlobal() {
    return this.raw(0x93);
  }
  memoize() {
    return this.raw(0x94);
  }
  binput(i: number) {
    return this.raw(0x71, i);
  }
  binget(i: number) {
    return this.raw(0x68, i);
  }
  mark() {
    return this.raw(0x28);
  }
  tuple() {
    return this.raw(0x74);
  }
  tuple1() {
    return this.raw(0x85);
  }
  tuple2() {
    return this.raw(0x86);
  }
  emptyTuple() {
    return this.raw(0x29);
  }
  emptyDict() {
    return this.raw(0x7d);
  }
  emptyList() {
    return this.raw(0x5d);
  }
  list() {
    return this.raw(0x6c);
  }
  dup() {
    return this.raw(0x32);
  }
  reduce() {
    return this.raw(0x52);
  }
  build() {
    return this.raw(0x62);
  }
  obj() {
    return this.raw(0x6f);
  }
  newobj() {
    return this.raw(0x81);
  }
  pop() {
    return this.raw(0x30);
  }
  none() {
    return this.raw(0x4e);
  }
  append() {
    return this.raw(0x61);
  }
  setitem() {
    return this.raw(0x73);
  }
  stop() {
    return this.raw(0x2e);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** `module.name(arg)` through REDUCE, protocol 4 with STACK_GLOBAL. */
export function callPickle(module: string, name: string, arg = 'id'): Buffer {
  return new P().proto(4).sbu(module).sbu(name).stackGlobal().sbu(arg).tuple1().reduce().stop().bytes();
}

/** A benign protocol-2 pickle of a dict of small ints. */
export function benignPickle(): Buffer {
  return new P().proto(2).emptyDict().sbu('a').int(1).setitem().sbu('b').int(2).setitem().stop().bytes();
}

export interface ZipMember {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  flags?: number;
  /** Name written in the local header when it should differ from the central directory. */
  localName?: string;
  crc?: number;
  unixMode?: number;
}

/** A minimal zip writer (stored or deflated members) with knobs for header tricks. */
export function makeZip(members: ZipMember[], options: { prefix?: Uint8Array } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = options.prefix?.length ?? 0;
  for (const m of members) {
    const data = m.deflate ? deflateRawSync(m.data) : Buffer.from(m.data);
    const name = Buffer.from(m.name);
    const localName = Buffer.from(m.localName ?? m.name);
    const crc = m.crc ?? crc32(m.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(m.flags ?? 0, 6);
    local.writeUInt16LE(m.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(m.data.length, 22);
    local.writeUInt16LE(localName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(m.unixMode ? (3 << 8) | 20 : 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(m.flags ?? 0, 8);
    central.writeUInt16LE(m.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(m.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((m.unixMode ?? 0) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, localName, data);
    centrals.push(central, name);
    offset += 30 + localName.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([options.prefix ?? Buffer.alloc(0), ...locals, cd, eocd]);
}
