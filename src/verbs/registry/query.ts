import { UsageError } from '../../core/errors.js';
import { parseVersionRef, type VersionRef } from '../../core/registry/version-ref.js';
import { closest } from '../parse-inputs.js';
import { REGISTRY_COMMANDS } from './inputs.js';

/** A parsed `query`: the subcommand and its arguments. */
export type RegistryQuery =
  | { command: 'list' }
  | { command: 'show'; ref: VersionRef }
  | { command: 'history'; model: string }
  | { command: 'diff'; from: VersionRef; to: VersionRef };

const USAGE: Record<(typeof REGISTRY_COMMANDS)[number], string> = {
  list: 'list',
  show: 'show NAME[@vX.Y.Z|#stage]',
  history: 'history NAME',
  diff: 'diff NAME@vA NAME@vB',
};

/**
 * Words come from CLI arguments or, in a workflow, from one line ("show churn#production"), so
 * every item is split on whitespace first.
 */
export function parseRegistryQuery(items: readonly string[] | undefined): RegistryQuery {
  const words = (items ?? []).flatMap((item) => item.split(/\s+/)).filter(Boolean);
  const [command = 'list', ...args] = words;
  const arity = (n: number) => {
    if (args.length === n) return;
    const what = n === 0 ? 'no arguments' : n === 1 ? 'one argument' : `${n} arguments`;
    throw new UsageError(
      `'registry ${command}' takes ${what}, got ${args.length}${args.length ? ` (${args.join(' ')})` : ''}`,
      { fix: `usage: modelops registry ${USAGE[command as keyof typeof USAGE]}` },
    );
  };
  switch (command) {
    case 'list':
      arity(0);
      return { command };
    case 'show':
      arity(1);
      return { command, ref: parseVersionRef(args[0]!) };
    case 'history': {
      arity(1);
      const ref = parseVersionRef(args[0]!);
      if (ref.kind !== 'latest') {
        throw new UsageError(`'registry history' takes a model name, got '${args[0]}'`, {
          fix: `write modelops registry history ${ref.model}`,
        });
      }
      return { command, model: ref.model };
    }
    case 'diff':
      arity(2);
      return { command, from: parseVersionRef(args[0]!), to: parseVersionRef(args[1]!) };
    default: {
      const near = closest(command, REGISTRY_COMMANDS);
      throw new UsageError(`unknown registry command '${command}'`, {
        fix: `${near ? `did you mean '${near}'? ` : ''}use one of: ${Object.values(USAGE).join(' · ')}`,
      });
    }
  }
}
