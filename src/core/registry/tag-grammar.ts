/**
 * The registry's tag grammar, compatible with GTO (iterative/gto) so existing tooling reads our
 * registry and we read theirs:
 *
 *   name     = [a-zA-Z0-9]([a-zA-Z0-9-/_]*[a-zA-Z0-9])?
 *   fullname = (dirname "=")? name
 *   tag      = fullname ( ("#" stage | "@v" semver2) "!"? | "@deprecated" | "@created" ) ("#" counter)?
 */
import { UsageError } from '../errors.js';
import { SEMVER_PATTERN } from './semver.js';

/** One registry event as encoded in a tag name. `model` is the full name (`dir=name` in a monorepo). */
export type RegistryEvent =
  | { kind: 'register'; model: string; version: string; counter?: number }
  | { kind: 'deregister'; model: string; version: string; counter?: number }
  | { kind: 'assign'; model: string; stage: string; counter?: number }
  | { kind: 'unassign'; model: string; stage: string; counter?: number }
  | { kind: 'deprecate'; model: string; counter?: number }
  | { kind: 'create'; model: string; counter?: number };

/** Every event kind, in a stable order. */
export type RegistryEventKind = RegistryEvent['kind'];

const NAME = '[a-zA-Z0-9](?:[a-zA-Z0-9\\-/_]*[a-zA-Z0-9])?';
// GTO's dirname is a path inside the repo; ref legality (no "..", "//") is checked separately.
const DIRNAME = '[a-zA-Z0-9_./\\-]+';
/** Human-readable grammar quoted in error messages. */
export const NAME_GRAMMAR = '[a-zA-Z0-9]([a-zA-Z0-9-/_]*[a-zA-Z0-9])?';

const NAME_RE = new RegExp(`^${NAME}$`);
const FULLNAME_RE = new RegExp(`^(?:(${DIRNAME})=)?(${NAME})$`);
const TAG_RE = new RegExp(
  `^((?:${DIRNAME}=)?${NAME})` +
    `(?:@v(${SEMVER_PATTERN})(!)?|#(${NAME})(!)?|@(deprecated|created))` +
    // No leading zeros: a counter must format back to the same tag name.
    `(?:#(0|[1-9]\\d*))?$`,
);

/**
 * Parses a tag name into a registry event; null for tags that are not registry tags
 * (release tags like `v1.0.0`, malformed versions, bad names). Never throws.
 */
export function parseTag(tag: string): RegistryEvent | null {
  const m = TAG_RE.exec(tag);
  if (!m) return null;
  const [, model, version, versionBang, stage, stageBang, special, counterText] = m;
  if (!model || !isLegalRefPath(model) || (stage !== undefined && !isLegalRefPath(stage))) return null;
  let counter: number | undefined;
  if (counterText !== undefined) {
    counter = Number(counterText);
    if (!Number.isSafeInteger(counter)) return null;
  }
  const withCounter = <E extends RegistryEvent>(event: E): E =>
    counter === undefined ? event : { ...event, counter };
  if (version !== undefined) {
    return withCounter({ kind: versionBang ? 'deregister' : 'register', model, version });
  }
  if (stage !== undefined) {
    return withCounter({ kind: stageBang ? 'unassign' : 'assign', model, stage });
  }
  return withCounter({ kind: special === 'deprecated' ? 'deprecate' : 'create', model });
}

/** True when `tag` parses as a registry tag. */
export function isRegistryTag(tag: string): boolean {
  return parseTag(tag) !== null;
}

/**
 * Formats an event as a tag name. Validates the model and stage names and the version,
 * throwing a UsageError that names the bad value and the grammar.
 */
export function formatTag(event: RegistryEvent): string {
  validateModelName(event.model);
  let body: string;
  switch (event.kind) {
    case 'register':
    case 'deregister':
      validateVersion(event.version);
      body = `@v${event.version}${event.kind === 'deregister' ? '!' : ''}`;
      break;
    case 'assign':
    case 'unassign':
      validateStageName(event.stage);
      body = `#${event.stage}${event.kind === 'unassign' ? '!' : ''}`;
      break;
    case 'deprecate':
      body = '@deprecated';
      break;
    case 'create':
      body = '@created';
      break;
  }
  if (event.counter !== undefined && !(Number.isSafeInteger(event.counter) && event.counter >= 0)) {
    throw new UsageError(`invalid tag counter ${event.counter}`, {
      fix: 'counters are non-negative integers',
    });
  }
  return `${event.model}${body}${event.counter === undefined ? '' : `#${event.counter}`}`;
}

/** Splits `dir=name` into its parts; `dirname` is undefined for a plain name. */
export function splitModelName(fullName: string): { dirname?: string; name: string } {
  const eq = fullName.indexOf('=');
  return eq < 0 ? { name: fullName } : { dirname: fullName.slice(0, eq), name: fullName.slice(eq + 1) };
}

/** Throws a UsageError unless `model` is a valid (optionally `dir=`-prefixed) model name. */
export function validateModelName(model: string): void {
  const m = FULLNAME_RE.exec(model);
  if (!m || !isLegalRefPath(model)) {
    throw new UsageError(`invalid model name ${JSON.stringify(model)}`, {
      fix: `model names match ${NAME_GRAMMAR}, optionally prefixed by "dir=" (e.g. "churn" or "models/nlp=churn")`,
    });
  }
}

/** Throws a UsageError unless `stage` is a valid stage (environment) name. */
export function validateStageName(stage: string): void {
  if (!NAME_RE.test(stage) || !isLegalRefPath(stage)) {
    throw new UsageError(`invalid stage name ${JSON.stringify(stage)}`, {
      fix: `stage names match ${NAME_GRAMMAR} (e.g. "staging" or "prod")`,
    });
  }
}

const VERSION_RE = new RegExp(`^${SEMVER_PATTERN}$`);

function validateVersion(version: string): void {
  if (!VERSION_RE.test(version)) {
    throw new UsageError(`invalid version ${JSON.stringify(version)}`, {
      fix: 'versions are SemVer 2.0 without the "v" (e.g. "1.2.3" or "2.0.0-rc.1")',
    });
  }
}

// The name grammar alone allows things git refuses in a ref name (git check-ref-format):
// "a//b", a component starting with "." or ending with ".lock", "..". Reject them up front so a
// name that passes validation can always become a tag.
function isLegalRefPath(text: string): boolean {
  if (text.includes('..') || text.includes('//') || text.startsWith('/') || text.endsWith('/')) return false;
  return text.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'));
}
