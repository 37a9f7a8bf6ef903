/**
 * Derives the semver bump of a new model version from how its I/O signature changed, from the
 * point of view of a caller: anything that can make an existing caller fail is major, anything
 * that only adds capability is minor, and a new version with the same signature is a patch
 * (new weights, same contract).
 */
import type { Dim, ModelSignature, OpsetImport, TensorSignature } from '../onnx/signature-types.js';
import { maxBump, type Bump } from './semver.js';

/** How much a single change matters to callers. */
export type ChangeLevel = Bump;

/** What changed. */
export type SignatureChangeKind =
  | 'input-removed'
  | 'output-removed'
  | 'input-renamed'
  | 'output-renamed'
  | 'input-added'
  | 'output-added'
  | 'kind-changed'
  | 'element-type-changed'
  | 'rank-changed'
  | 'dim-changed'
  | 'dim-loosened'
  | 'dim-tightened'
  | 'dim-renamed'
  | 'opset-added'
  | 'opset-removed'
  | 'opset-changed';

/** One change between two signatures, with a line a person can read in a PR comment. */
export interface SignatureChange {
  level: ChangeLevel;
  kind: SignatureChangeKind;
  /** 'input' / 'output' for tensor changes, 'opset' for opset imports. */
  subject: 'input' | 'output' | 'opset';
  /** Tensor name, or opset domain ('' shown as ai.onnx). */
  name: string;
  /** e.g. `major: input "x" element type float → float16`. */
  line: string;
}

/** Options for {@link diffSignatures}. */
export interface DiffOptions {
  /**
   * Inputs of the new model that callers may omit (ONNX inputs with an initializer default).
   * The signature type does not carry optionality, so the reader that knows it passes it here;
   * a new input not listed is treated as required, which is a major change.
   */
  optionalInputs?: readonly string[];
}

/** Lists every change from `before` to `after`, most severe first, then in signature order. */
export function diffSignatures(
  before: ModelSignature,
  after: ModelSignature,
  options: DiffOptions = {},
): SignatureChange[] {
  const optional = new Set(options.optionalInputs ?? []);
  const changes = [
    ...diffTensors('input', before.inputs, after.inputs, optional),
    ...diffTensors('output', before.outputs, after.outputs, optional),
    ...diffOpsets(before.opsets, after.opsets),
  ];
  const rank: Record<ChangeLevel, number> = { major: 0, minor: 1, patch: 2 };
  // Array.prototype.sort is stable, so changes of one level keep their signature order.
  return changes.sort((a, b) => rank[a.level] - rank[b.level]);
}

/** The bump a set of changes requires: the most severe level, or 'patch' when nothing changed. */
export function bumpFor(changes: readonly SignatureChange[]): Bump {
  return changes.reduce<Bump>((bump, c) => maxBump(bump, c.level), 'patch');
}

function change(
  level: ChangeLevel,
  kind: SignatureChangeKind,
  subject: SignatureChange['subject'],
  name: string,
  what: string,
): SignatureChange {
  const label = subject === 'opset' ? `opset ${name || 'ai.onnx'}` : `${subject} ${JSON.stringify(name)}`;
  return { level, kind, subject, name, line: `${level}: ${label} ${what}` };
}

function diffTensors(
  subject: 'input' | 'output',
  before: readonly TensorSignature[],
  after: readonly TensorSignature[],
  optional: ReadonlySet<string>,
): SignatureChange[] {
  const afterByName = new Map(after.map((t) => [t.name, t]));
  const beforeNames = new Set(before.map((t) => t.name));
  const removed = before.filter((t) => !afterByName.has(t.name));
  const added = after.filter((t) => !beforeNames.has(t.name));
  const out: SignatureChange[] = [];

  // A tensor that disappeared while one with the same type and shape appeared at the same
  // position was most likely renamed; saying so reads better than "removed x, added y".
  for (const old of removed) {
    const i = added.findIndex((t) => after.indexOf(t) === before.indexOf(old) && sameType(t, old));
    const renamedTo = i >= 0 ? added.splice(i, 1)[0] : undefined;
    if (renamedTo) {
      out.push(
        change(
          'major',
          `${subject}-renamed`,
          subject,
          old.name,
          `renamed to ${JSON.stringify(renamedTo.name)}`,
        ),
      );
    } else {
      out.push(change('major', `${subject}-removed`, subject, old.name, `removed (${describe(old)})`));
    }
  }
  for (const t of added) {
    if (subject === 'output') {
      out.push(change('minor', 'output-added', subject, t.name, `added (${describe(t)})`));
    } else if (optional.has(t.name)) {
      out.push(change('minor', 'input-added', subject, t.name, `added as optional (${describe(t)})`));
    } else {
      out.push(
        change(
          'major',
          'input-added',
          subject,
          t.name,
          `added as required (${describe(t)}); existing callers do not feed it`,
        ),
      );
    }
  }
  for (const old of before) {
    const now = afterByName.get(old.name);
    if (now) out.push(...diffTensor(subject, old, now));
  }
  return out;
}

function diffTensor(
  subject: 'input' | 'output',
  old: TensorSignature,
  now: TensorSignature,
): SignatureChange[] {
  const name = old.name;
  if (old.kind !== now.kind)
    return [change('major', 'kind-changed', subject, name, `kind ${old.kind} → ${now.kind}`)];
  const out: SignatureChange[] = [];
  if (old.elementType !== now.elementType) {
    out.push(
      change(
        'major',
        'element-type-changed',
        subject,
        name,
        `element type ${old.elementType} → ${now.elementType}`,
      ),
    );
  }
  out.push(...diffShape(subject, name, old.shape, now.shape));
  return out;
}

function diffShape(
  subject: 'input' | 'output',
  name: string,
  old: Dim[] | null,
  now: Dim[] | null,
): SignatureChange[] {
  if (old === null && now === null) return [];
  if (old === null || now === null) {
    // Unknown rank accepts any rank: losing it constrains callers' inputs; for outputs a known
    // rank is only a stronger promise.
    const shape = `shape ${formatShape(old)} → ${formatShape(now)}`;
    if (now === null) return [change('minor', 'dim-loosened', subject, name, shape)];
    return [
      subject === 'input'
        ? change('major', 'dim-tightened', subject, name, shape)
        : change('minor', 'dim-tightened', subject, name, shape),
    ];
  }
  if (old.length !== now.length) {
    return [
      change(
        'major',
        'rank-changed',
        subject,
        name,
        `rank ${old.length} → ${now.length} (${formatShape(old)} → ${formatShape(now)})`,
      ),
    ];
  }
  const out: SignatureChange[] = [];
  old.forEach((was, i) => {
    const is = now[i] ?? null;
    const at = `dim ${i}`;
    if (typeof was === 'number' && typeof is === 'number') {
      if (was !== is) out.push(change('major', 'dim-changed', subject, name, `${at} ${was} → ${is}`));
    } else if (typeof was === 'number') {
      // Exporters often make the batch dim symbolic; for inputs this accepts more, for outputs
      // callers that relied on the fixed size were reading a value they can still handle by shape.
      out.push(
        change('minor', 'dim-loosened', subject, name, `${at} ${was} → ${formatDim(is)} (now dynamic)`),
      );
    } else if (typeof is === 'number') {
      out.push(
        subject === 'input'
          ? change(
              'major',
              'dim-tightened',
              subject,
              name,
              `${at} ${formatDim(was)} → ${is} (callers sending other sizes fail)`,
            )
          : change('minor', 'dim-tightened', subject, name, `${at} ${formatDim(was)} → ${is} (now fixed)`),
      );
    } else if (was !== is && was !== null && is !== null) {
      // Symbol names do not bind callers; report them so the PR shows the whole picture.
      out.push(change('patch', 'dim-renamed', subject, name, `${at} symbol ${was} → ${is}`));
    }
  });
  return out;
}

function diffOpsets(before: readonly OpsetImport[], after: readonly OpsetImport[]): SignatureChange[] {
  // '' and 'ai.onnx' name the same default domain.
  const norm = (d: string) => (d === 'ai.onnx' ? '' : d);
  const was = new Map(before.map((o) => [norm(o.domain), o.version]));
  const is = new Map(after.map((o) => [norm(o.domain), o.version]));
  const out: SignatureChange[] = [];
  for (const [domain, version] of was) {
    const now = is.get(domain);
    if (now === undefined)
      out.push(change('minor', 'opset-removed', 'opset', domain, `removed (was ${version})`));
    else if (now !== version)
      out.push(change('minor', 'opset-changed', 'opset', domain, `${version} → ${now}`));
  }
  for (const [domain, version] of is) {
    if (!was.has(domain)) out.push(change('minor', 'opset-added', 'opset', domain, `added (${version})`));
  }
  return out;
}

function sameType(a: TensorSignature, b: TensorSignature): boolean {
  return (
    a.kind === b.kind && a.elementType === b.elementType && formatShape(a.shape) === formatShape(b.shape)
  );
}

function formatDim(d: Dim): string {
  return d === null ? '?' : String(d);
}

function formatShape(shape: Dim[] | null): string {
  return shape === null ? '[*]' : `[${shape.map(formatDim).join(', ')}]`;
}

function describe(t: TensorSignature): string {
  return `${t.kind === 'tensor' ? '' : `${t.kind} of `}${t.elementType} ${formatShape(t.shape)}`;
}
