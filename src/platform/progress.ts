/** Progress of one long operation. `total` may be unknown (bytes of a stream, trials of a study). */
export interface Progress {
  tick(amount?: number): void;
  /** Replace the current count (for byte counters). */
  update(done: number): void;
  done(message?: string): void;
}

export type ProgressMode = 'bar' | 'lines' | 'off';

export interface ProgressOptions {
  mode: ProgressMode;
  write: (text: string) => void;
  now?: () => number;
  /** In 'lines' mode, the minimum time between two lines. Actions logs are line based. */
  intervalMs?: number;
  width?: number;
}

/**
 * Chooses how to show progress: a redrawn bar on a terminal, periodic lines in CI logs (GitHub
 * Actions renders no carriage returns), nothing when stderr is not for people (--json piping
 * still shows progress on stderr; only --no-progress silences it).
 */
export function progressMode(
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
  enabled = true,
): ProgressMode {
  if (!enabled) return 'off';
  if (env.GITHUB_ACTIONS === 'true' || env.CI === 'true') return 'lines';
  return isTTY ? 'bar' : 'off';
}

/** Start showing progress for `label`. */
export function createProgress(label: string, total: number | undefined, options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 5000;
  const width = options.width ?? 30;
  const started = now();
  let count = 0;
  let lastShown = -Infinity;
  let finished = false;

  const describe = () => {
    const seconds = ((now() - started) / 1000).toFixed(1);
    if (total && total > 0) {
      const fraction = Math.min(1, count / total);
      return { fraction, text: `${label} ${(fraction * 100).toFixed(0)}% (${count}/${total}, ${seconds}s)` };
    }
    return { fraction: undefined, text: `${label} ${count} (${seconds}s)` };
  };

  const show = (force: boolean) => {
    if (options.mode === 'off' || finished) return;
    const t = now();
    if (options.mode === 'lines') {
      if (!force && t - lastShown < interval) return;
      lastShown = t;
      options.write(describe().text + '\n');
      return;
    }
    if (!force && t - lastShown < 100) return; // redraw at most 10 times a second
    lastShown = t;
    const { fraction, text } = describe();
    const bar =
      fraction === undefined ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] `;
    options.write(`\r${bar}${text}\x1b[K`);
  };

  return {
    tick(amount = 1) {
      count += amount;
      show(false);
    },
    update(done) {
      count = done;
      show(false);
    },
    done(message) {
      show(true);
      finished = true;
      if (options.mode === 'bar') options.write('\n');
      if (message && options.mode !== 'off') options.write(message + '\n');
    },
  };
}
