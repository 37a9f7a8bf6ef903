/**
 * A simulation of CPython's unpickler over symbolic values: the stack, the MARK metastack, the
 * memo and FRAME boundaries behave as in `_pickle.c`, but nothing is imported or called. A linear
 * opcode scan can be fooled (memo keys reused out of order, STACK_GLOBAL fed by GET or by the
 * result of a call, frames that hide opcodes inside a bytes constant); following the machine cannot.
 */
import type { Finding, FindingSeverity, ScanLimits } from '../types.js';
import { classifyGlobal, type PickleKind } from './globals-policy.js';
import { OP } from './opcodes.js';

type Value =
  | { t: 'str'; v: string; long: boolean }
  | { t: 'bytes'; off: number; len: number }
  | { t: 'num'; v: number }
  | { t: 'none' }
  | { t: 'global'; q: string; allowed: boolean }
  | { t: 'call'; fn: Value }
  | { t: 'box'; kind: 'tuple' | 'list' | 'dict' | 'set'; items: Value[]; size: number }
  | { t: 'unknown' };

const NONE: Value = { t: 'none' };
const UNKNOWN: Value = { t: 'unknown' };
const MAX_KEPT_ITEMS = 16;
const EXPANSION_LIMIT = 10_000_000;

export interface MachineOptions {
  kind: PickleKind;
  limits: ScanLimits;
  /** Member path used in findings. */
  member?: string;
  /** Added to offsets in findings (the pickle's position in its member). */
  baseOffset?: number;
  deadline: number;
  report: (finding: Finding) => void;
  /** Called for byte/str constants that look like a pickle; the caller scans them within a budget. */
  nested?: (bytes: Uint8Array, offset: number) => void;
  /**
   * Called for byte constants that start like a container (zip, gzip, bzip2, xz, zstd): loaders
   * such as torch.storage._load_from_bytes hand them to torch.load, so they are scanned as files.
   */
  embedded?: (bytes: Uint8Array, offset: number) => void;
}

const CONTAINER_MAGICS: readonly (readonly number[])[] = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x1f, 0x8b, 0x08],
  [0x42, 0x5a, 0x68],
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
  [0x28, 0xb5, 0x2f, 0xfd],
];

export interface MachineResult {
  /** Offset just past the last opcode read. */
  end: number;
  /** The pickle reached STOP. */
  stopped: boolean;
  error?: string;
  errorOffset?: number;
  /** A cap was hit; the rest of the stream was not examined. */
  limit?: string;
  opcodes: number;
  /** Protocol from PROTO, or 0/1 when absent. */
  protocol: number;
  /** The value STOP returned, summarized (e.g. 'num' for the legacy torch magic number). */
  result?: string;
}

class PickleError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly limit = false,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** Runs one pickle starting at `start` until STOP, an error or a cap. Never throws for bad input. */
export function runPickle(buf: Uint8Array, start: number, options: MachineOptions): MachineResult {
  return new Machine(buf, start, options).run();
}

class Machine {
  private pos: number;
  private stack: Value[] = [];
  private readonly metastack: Value[][] = [];
  private readonly memo = new Map<number, Value>();
  private frameEnd = -1;
  private opcodes = 0;
  private protocol = 0;
  private readonly seenGlobals = new Set<string>();
  private readonly seenRules = new Set<string>();
  private containerGets = 0;
  private puts = 0;
  private readonly view: DataView;
  private opStart = 0;

  constructor(
    private readonly buf: Uint8Array,
    start: number,
    private readonly o: MachineOptions,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  run(): MachineResult {
    const base = { opcodes: 0, protocol: 0 };
    try {
      const top = this.loop();
      return {
        ...base,
        end: this.pos,
        stopped: true,
        opcodes: this.opcodes,
        protocol: this.protocol,
        result: top,
      };
    } catch (error) {
      if (!(error instanceof PickleError)) throw error;
      return {
        end: this.pos,
        stopped: false,
        opcodes: this.opcodes,
        protocol: this.protocol,
        ...(error.limit ? { limit: error.message } : { error: error.message }),
        errorOffset: error.offset,
      };
    }
  }

  private fail(message: string): never {
    throw new PickleError(message, this.abs(this.opStart));
  }

  private abs(offset: number): number {
    return offset + (this.o.baseOffset ?? 0);
  }

  private finding(rule: string, severity: FindingSeverity, message: string, extra: Partial<Finding> = {}) {
    // One finding per rule and message per pickle: a state dict with 10,000 tensors says it once.
    const key = `${rule}\0${message}`;
    if (this.seenRules.has(key)) return;
    this.seenRules.add(key);
    this.o.report({
      rule,
      severity,
      message,
      ...(this.o.member !== undefined ? { member: this.o.member } : {}),
      offset: this.abs(this.opStart),
      ...extra,
    });
  }

  /** Reserves `n` bytes at the current position, checking the buffer end and the frame boundary. */
  private take(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.buf.length) this.fail(`truncated: needs ${n} byte(s) at ${this.abs(at)}`);
    if (this.frameEnd >= 0) {
      if (at >= this.frameEnd) this.frameEnd = -1;
      else if (at + n > this.frameEnd) {
        this.finding(
          'PICKLE-FRAME-VIOLATION',
          'high',
          `an opcode argument crosses the end of its FRAME (frame ends at ${this.abs(this.frameEnd)}); ` +
            'CPython and linear disassemblers read such a stream differently, which hides opcodes',
        );
        this.frameEnd = -1;
      }
    }
    this.pos = at + n;
    return at;
  }

  private line(): { at: number; end: number } {
    const at = this.pos;
    const nl = this.buf.indexOf(0x0a, at);
    if (nl < 0) this.fail('truncated: a line argument has no newline');
    this.take(nl + 1 - at);
    return { at, end: nl };
  }

  private lineText(): string {
    const { at, end } = this.line();
    try {
      return utf8.decode(this.buf.subarray(at, end));
    } catch {
      this.fail('a line argument is not valid UTF-8');
    }
  }

  private push(v: Value) {
    if (this.stack.length >= this.o.limits.maxStackDepth)
      throw new PickleError(`stack deeper than ${this.o.limits.maxStackDepth}`, this.abs(this.opStart), true);
    this.stack.push(v);
  }

  private pop(): Value {
    const v = this.stack.pop();
    if (v === undefined) this.fail('stack underflow (an opcode needs a value the stack does not have)');
    return v;
  }

  private top(): Value {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined) this.fail('stack underflow');
    return v;
  }

  private popMark(): Value[] {
    const items = this.stack;
    const outer = this.metastack.pop();
    if (outer === undefined) this.fail('an opcode needs a MARK but none is open');
    this.stack = outer;
    return items;
  }

  private box(kind: 'tuple' | 'list' | 'dict' | 'set', items: Value[]): Value {
    let size = items.length;
    for (const item of items) if (item.t === 'box') size += item.size;
    this.checkSize(size);
    return {
      t: 'box',
      kind,
      items: items.slice(0, MAX_KEPT_ITEMS),
      size: Math.min(size, Number.MAX_SAFE_INTEGER),
    };
  }

  private checkSize(size: number) {
    if (size > EXPANSION_LIMIT)
      this.finding(
        'PICKLE-EXPANSION',
        'high',
        `containers reference each other into more than ${EXPANSION_LIMIT.toLocaleString('en-US')} elements (a "billion laughs" expansion)`,
      );
  }

  private grow(target: Value, items: Value[], what: string) {
    if (target.t === 'global') {
      this.finding('PICKLE-GLOBAL-MUTATION', 'high', `${what} changes the imported object ${target.q}`, {
        global: target.q,
      });
      return;
    }
    if (target.t !== 'box') return;
    let added = items.length;
    for (const item of items) if (item.t === 'box') added += item.size;
    target.size = Math.min(target.size + added, Number.MAX_SAFE_INTEGER);
    this.checkSize(target.size);
  }

  private str(at: number, len: number, decoder: { decode(b: Uint8Array): string }): Value {
    const long = len > 4096;
    const bytes = this.buf.subarray(at, at + Math.min(len, 4096));
    this.maybeNested(at, len);
    return { t: 'str', v: decoder.decode(bytes), long };
  }

  private maybeNested(at: number, len: number) {
    if (this.o.embedded && len >= 8) {
      const magic = CONTAINER_MAGICS.find((m) => m.every((b, i) => this.buf[at + i] === b));
      if (magic) return this.o.embedded(this.buf.subarray(at, at + len), this.abs(at));
    }
    if (!this.o.nested || len < 3) return;
    const first = this.buf[at]!;
    const last = this.buf[at + len - 1]!;
    if (
      (first === 0x80 && this.buf[at + 1]! <= 5) ||
      (last === 0x2e && len <= 1 << 20 && OP_START.has(first))
    )
      this.o.nested(this.buf.subarray(at, at + len), this.abs(at));
  }

  private global(module: string, name: string, how: string): Value {
    const q = name ? `${module}.${name}` : module;
    const verdict = classifyGlobal(module, name, this.o.kind);
    if (!this.seenGlobals.has(q)) {
      this.seenGlobals.add(q);
      if (verdict.kind === 'dangerous') {
        this.finding(
          'PICKLE-DANGEROUS-GLOBAL',
          verdict.severity ?? 'critical',
          `${how} imports ${q} (${verdict.matched}: ${verdict.why})`,
          { global: q },
        );
      } else if (verdict.kind === 'unknown') {
        this.finding(
          'PICKLE-UNKNOWN-GLOBAL',
          'medium',
          `${how} imports ${q}, which is not on the ${this.o.kind} allowlist`,
          { global: q, strictOnly: true },
        );
      }
    }
    return { t: 'global', q, allowed: verdict.kind === 'allowed' };
  }

  private call(fn: Value, how: string): Value {
    if (fn.t === 'call')
      this.finding(
        'PICKLE-CALL-RESULT',
        'medium',
        `${how} calls the result of another call (a gadget chain)`,
      );
    else if (fn.t !== 'global' && fn.t !== 'unknown')
      this.finding(
        'PICKLE-MALFORMED',
        'medium',
        `${how} calls a ${fn.t === 'box' ? fn.kind : fn.t}, which is not callable`,
      );
    return { t: 'call', fn };
  }

  private memoGet(index: number): Value {
    const v = this.memo.get(index);
    if (v === undefined) {
      this.finding(
        'PICKLE-MALFORMED',
        'medium',
        `GET of memo key ${index}, which was never PUT (crashes naive scanners)`,
      );
      return UNKNOWN;
    }
    if (v.t === 'box') this.containerGets++;
    return v;
  }

  private memoPut(index: number) {
    if (!this.memo.has(index) && this.memo.size >= this.o.limits.maxMemo)
      throw new PickleError(
        `memo larger than ${this.o.limits.maxMemo} entries`,
        this.abs(this.opStart),
        true,
      );
    this.puts++;
    this.memo.set(index, this.top());
  }

  private int(text: string): number {
    const cleaned = text.replace(/L$/, '').trim();
    if (!/^[-+]?\d+$/.test(cleaned)) this.fail(`not an integer: ${JSON.stringify(text.slice(0, 40))}`);
    return Number(cleaned);
  }

  private u32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  private u64(): number {
    const at = this.take(8);
    const n = this.view.getBigUint64(at, true);
    if (n > BigInt(this.buf.length)) this.fail(`length ${n} is larger than the data`);
    return Number(n);
  }

  private loop(): string {
    const { limits, deadline } = this.o;
    for (;;) {
      this.opStart = this.pos;
      if (++this.opcodes > limits.maxOpcodes)
        throw new PickleError(`more than ${limits.maxOpcodes} opcodes`, this.abs(this.pos), true);
      if ((this.opcodes & 0xffff) === 0 && Date.now() > deadline)
        throw new PickleError(
          `time limit of ${limits.maxMillis} ms per file reached`,
          this.abs(this.pos),
          true,
        );
      const op = this.buf[this.take(1)]!;
      switch (op) {
        case OP.PROTO: {
          const v = this.buf[this.take(1)]!;
          if (v > 5) this.fail(`unsupported pickle protocol ${v}`);
          this.protocol = v;
          break;
        }
        case OP.FRAME: {
          const len = this.u64();
          if (this.frameEnd >= 0 && this.pos < this.frameEnd)
            this.finding('PICKLE-FRAME-VIOLATION', 'high', 'a FRAME opens inside another FRAME');
          this.frameEnd = this.pos + len;
          if (this.frameEnd > this.buf.length) this.fail('FRAME is longer than the data');
          break;
        }
        case OP.STOP: {
          const v = this.pop();
          if (this.metastack.length > 0)
            this.finding('PICKLE-MALFORMED', 'medium', 'STOP with a MARK still open');
          this.checkExpansionRatio();
          return v.t;
        }
        case OP.MARK:
          if (this.metastack.length >= limits.maxMarkDepth)
            throw new PickleError(
              `MARK nested deeper than ${limits.maxMarkDepth}`,
              this.abs(this.opStart),
              true,
            );
          this.metastack.push(this.stack);
          this.stack = [];
          break;
        case OP.POP:
          if (this.stack.length > 0) this.stack.pop();
          else this.popMark(); // CPython: POP with an empty stack pops a mark
          break;
        case OP.POP_MARK:
          this.popMark();
          break;
        case OP.DUP: {
          const v = this.top();
          if (v.t === 'box')
            this.finding(
              'PICKLE-EXPANSION',
              'medium',
              'DUP of a container (CPython never writes DUP; expansion pattern)',
            );
          this.push(v);
          break;
        }
        // ---- constants
        case OP.NONE:
          this.push(NONE);
          break;
        case OP.NEWTRUE:
        case OP.NEWFALSE:
          this.push({ t: 'num', v: op === OP.NEWTRUE ? 1 : 0 });
          break;
        case OP.INT: {
          const text = this.lineText();
          this.push({ t: 'num', v: text === '01' ? 1 : text === '00' ? 0 : this.int(text) });
          break;
        }
        case OP.LONG:
          this.push({ t: 'num', v: this.int(this.lineText()) });
          break;
        case OP.FLOAT: {
          const v = Number(this.lineText());
          this.push({ t: 'num', v });
          break;
        }
        case OP.BININT:
          this.push({ t: 'num', v: this.view.getInt32(this.take(4), true) });
          break;
        case OP.BININT1:
          this.push({ t: 'num', v: this.buf[this.take(1)]! });
          break;
        case OP.BININT2:
          this.push({ t: 'num', v: this.view.getUint16(this.take(2), true) });
          break;
        case OP.BINFLOAT:
          this.push({ t: 'num', v: this.view.getFloat64(this.take(8), false) });
          break;
        case OP.LONG1: {
          const n = this.buf[this.take(1)]!;
          this.take(n);
          this.push({ t: 'num', v: NaN });
          break;
        }
        case OP.LONG4: {
          const n = this.view.getInt32(this.take(4), true);
          if (n < 0) this.fail('LONG4 with a negative length');
          this.take(n);
          this.push({ t: 'num', v: NaN });
          break;
        }
        case OP.STRING: {
          const { at, end } = this.line();
          this.push(this.quoted(at, end));
          break;
        }
        case OP.BINSTRING: {
          const n = this.view.getInt32(this.take(4), true);
          if (n < 0) this.fail('BINSTRING with a negative length');
          this.push(this.str(this.take(n), n, latin1));
          break;
        }
        case OP.SHORT_BINSTRING: {
          const n = this.buf[this.take(1)]!;
          this.push(this.str(this.take(n), n, latin1));
          break;
        }
        case OP.UNICODE: {
          const { at, end } = this.line();
          this.push(this.rawUnicode(at, end));
          break;
        }
        case OP.SHORT_BINUNICODE: {
          const n = this.buf[this.take(1)]!;
          this.push(this.str(this.take(n), n, utf8Lenient));
          break;
        }
        case OP.BINUNICODE: {
          const n = this.u32();
          this.push(this.str(this.take(n), n, utf8Lenient));
          break;
        }
        case OP.BINUNICODE8: {
          const n = this.u64();
          this.push(this.str(this.take(n), n, utf8Lenient));
          break;
        }
        case OP.SHORT_BINBYTES: {
          const n = this.buf[this.take(1)]!;
          this.bytes(this.take(n), n);
          break;
        }
        case OP.BINBYTES: {
          const n = this.u32();
          this.bytes(this.take(n), n);
          break;
        }
        case OP.BINBYTES8:
        case OP.BYTEARRAY8: {
          const n = this.u64();
          this.bytes(this.take(n), n);
          break;
        }
        case OP.NEXT_BUFFER:
          this.finding('PICKLE-OUT-OF-BAND', 'low', 'NEXT_BUFFER: data comes from out-of-band buffers');
          this.push(UNKNOWN);
          break;
        case OP.READONLY_BUFFER:
          this.top();
          break;
        // ---- containers
        case OP.EMPTY_TUPLE:
          this.push(this.box('tuple', []));
          break;
        case OP.EMPTY_LIST:
          this.push(this.box('list', []));
          break;
        case OP.EMPTY_DICT:
          this.push(this.box('dict', []));
          break;
        case OP.EMPTY_SET:
          this.push(this.box('set', []));
          break;
        case OP.TUPLE:
          this.push(this.box('tuple', this.popMark()));
          break;
        case OP.TUPLE1:
        case OP.TUPLE2:
        case OP.TUPLE3: {
          const n = op - OP.TUPLE1 + 1;
          const items: Value[] = [];
          for (let i = 0; i < n; i++) items.unshift(this.pop());
          this.push(this.box('tuple', items));
          break;
        }
        case OP.LIST:
          this.push(this.box('list', this.popMark()));
          break;
        case OP.DICT: {
          const items = this.popMark();
          if (items.length % 2 !== 0) this.fail('DICT with an odd number of items');
          this.push(this.box('dict', items));
          break;
        }
        case OP.FROZENSET:
          this.push(this.box('set', this.popMark()));
          break;
        case OP.APPEND: {
          const v = this.pop();
          this.grow(this.top(), [v], 'APPEND');
          break;
        }
        case OP.APPENDS:
        case OP.ADDITEMS: {
          const items = this.popMark();
          this.grow(this.top(), items, op === OP.APPENDS ? 'APPENDS' : 'ADDITEMS');
          break;
        }
        case OP.SETITEM: {
          const v = this.pop();
          const k = this.pop();
          this.grow(this.top(), [k, v], 'SETITEM');
          break;
        }
        case OP.SETITEMS: {
          const items = this.popMark();
          if (items.length % 2 !== 0) this.fail('SETITEMS with an odd number of items');
          this.grow(this.top(), items, 'SETITEMS');
          break;
        }
        // ---- memo
        case OP.PUT:
          this.memoPut(this.int(this.lineText()));
          break;
        case OP.BINPUT:
          this.memoPut(this.buf[this.take(1)]!);
          break;
        case OP.LONG_BINPUT:
          this.memoPut(this.u32());
          break;
        case OP.MEMOIZE:
          this.memoPut(this.memo.size);
          break;
        case OP.GET:
          this.push(this.memoGet(this.int(this.lineText())));
          break;
        case OP.BINGET:
          this.push(this.memoGet(this.buf[this.take(1)]!));
          break;
        case OP.LONG_BINGET:
          this.push(this.memoGet(this.u32()));
          break;
        // ---- imports and calls
        case OP.GLOBAL: {
          const module = this.lineText();
          const name = this.lineText();
          this.push(this.global(module, name, 'GLOBAL'));
          break;
        }
        case OP.STACK_GLOBAL: {
          const name = this.pop();
          const module = this.pop();
          if (module.t === 'str' && name.t === 'str' && !module.long && !name.long) {
            this.push(this.global(module.v, name.v, 'STACK_GLOBAL'));
          } else {
            const show = (v: Value) => (v.t === 'str' ? JSON.stringify(v.v.slice(0, 60)) : `<${v.t}>`);
            this.finding(
              'PICKLE-DYNAMIC-GLOBAL',
              'critical',
              `STACK_GLOBAL with operands computed at load time (${show(module)}, ${show(name)}): the import cannot be known statically`,
            );
            this.push({ t: 'global', q: '<dynamic>', allowed: false });
          }
          break;
        }
        case OP.INST: {
          const module = this.lineText();
          const name = this.lineText();
          this.popMark();
          this.push(this.call(this.global(module, name, 'INST'), 'INST'));
          break;
        }
        case OP.OBJ: {
          const items = this.popMark();
          const cls = items[0];
          if (!cls) this.fail('OBJ without a class');
          this.push(this.call(cls, 'OBJ'));
          break;
        }
        case OP.REDUCE: {
          this.pop();
          this.push(this.call(this.pop(), 'REDUCE'));
          break;
        }
        case OP.NEWOBJ: {
          this.pop();
          this.push(this.call(this.pop(), 'NEWOBJ'));
          break;
        }
        case OP.NEWOBJ_EX: {
          this.pop();
          this.pop();
          this.push(this.call(this.pop(), 'NEWOBJ_EX'));
          break;
        }
        case OP.BUILD: {
          this.pop();
          const target = this.top();
          if (target.t === 'global')
            this.finding(
              'PICKLE-GLOBAL-MUTATION',
              'high',
              `BUILD sets attributes on the imported object ${target.q}`,
              {
                global: target.q,
              },
            );
          break;
        }
        case OP.PERSID:
          this.line();
          this.push(UNKNOWN);
          break;
        case OP.BINPERSID:
          this.pop();
          this.push(UNKNOWN);
          break;
        case OP.EXT1:
        case OP.EXT2:
        case OP.EXT4: {
          const n = op === OP.EXT1 ? 1 : op === OP.EXT2 ? 2 : 4;
          this.take(n);
          this.finding(
            'PICKLE-EXTENSION-REGISTRY',
            'high',
            'EXT opcode imports through the copyreg extension registry (target unknown)',
          );
          this.push({ t: 'global', q: '<extension>', allowed: false });
          break;
        }
        default:
          this.fail(`invalid opcode 0x${op.toString(16).padStart(2, '0')}`);
      }
    }
  }

  private bytes(at: number, len: number) {
    this.maybeNested(at, len);
    this.push({ t: 'bytes', off: at, len });
  }

  private checkExpansionRatio() {
    if (this.containerGets > 1000 && this.containerGets > 50 * Math.max(1, this.puts))
      this.finding(
        'PICKLE-EXPANSION',
        'medium',
        `${this.containerGets} memo reads of containers for ${this.puts} writes`,
      );
  }

  /** Protocol-0 STRING: a Python repr in quotes. Only common escapes matter for names. */
  private quoted(at: number, end: number): Value {
    const raw = latin1.decode(this.buf.subarray(at, end));
    const q = raw[0];
    if (raw.length < 2 || (q !== "'" && q !== '"') || raw[raw.length - 1] !== q)
      this.fail('STRING argument is not quoted');
    const body = raw.slice(1, -1);
    const v = body.includes('\\') ? unescapePython(body) : body;
    if (this.o.nested && v.length >= 3 && (v.charCodeAt(0) === 0x80 || v.endsWith('.'))) {
      this.o.nested(Buffer.from(v, 'latin1'), this.abs(at));
    }
    return { t: 'str', v: v.slice(0, 4096), long: v.length > 4096 };
  }

  private rawUnicode(at: number, end: number): Value {
    const raw = latin1.decode(this.buf.subarray(at, end));
    const v = raw.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a: string, b: string) => {
      const cp = parseInt(a ?? b, 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    });
    if (this.o.nested && v.length >= 3 && (v.charCodeAt(0) === 0x80 || v.endsWith('.'))) {
      this.o.nested(Buffer.from(v, 'latin1'), this.abs(at));
    }
    return { t: 'str', v: v.slice(0, 4096), long: v.length > 4096 };
  }
}

function unescapePython(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
    return (
      {
        n: '\n',
        t: '\t',
        r: '\r',
        '\\': '\\',
        "'": "'",
        '"': '"',
        a: '\x07',
        b: '\b',
        f: '\f',
        v: '\v',
        '0': '\0',
      }[e] ?? `\\${e}`
    );
  });
}

/** Bytes a pickle (any protocol) can start with; used to decide whether a constant is worth a trial parse. */
const OP_START = new Set<number>([
  OP.PROTO,
  OP.MARK,
  OP.GLOBAL,
  OP.EMPTY_DICT,
  OP.EMPTY_LIST,
  OP.EMPTY_TUPLE,
  OP.INST,
  OP.INT,
  OP.STRING,
  OP.UNICODE,
  OP.NONE,
  OP.SHORT_BINUNICODE,
  OP.BINUNICODE,
  OP.LONG,
  OP.FLOAT,
  OP.BININT,
  OP.BININT1,
]);
