/**
 * Prometheus text from several server processes (`modelops serve --processes N`) as the one
 * server they are: every series summed across processes. Counters, histogram buckets, sums and
 * counts add up by definition; the sampled gauges we export (resident memory) are per-process
 * totals, so their sum is the server's. Families keep the order in which they first appear, and
 * a series only some processes have (a status label one of them saw) stays inside its family, as
 * the text format requires.
 */
export function mergeMetricsTexts(texts: readonly string[]): string {
  const families = new Map<string, { header: string[]; series: Map<string, number> }>();
  for (const text of texts) {
    let family: { header: string[]; series: Map<string, number> } | undefined;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (meta) {
        const name = meta[2]!;
        family = families.get(name);
        if (!family) families.set(name, (family = { header: [], series: new Map() }));
        if (!family.header.includes(line) && family.header.length < 2) family.header.push(line);
        continue;
      }
      if (line.startsWith('#') || !family) continue;
      // The value is the last field; label values may hold spaces, so split at the last one.
      const cut = line.lastIndexOf(' ');
      const key = line.slice(0, cut);
      const value = Number(line.slice(cut + 1).replace('+Inf', 'Infinity'));
      family.series.set(key, (family.series.get(key) ?? 0) + value);
    }
  }
  const lines: string[] = [];
  for (const { header, series } of families.values()) {
    lines.push(...header);
    for (const [key, value] of series) lines.push(`${key} ${formatValue(value)}`);
  }
  return lines.join('\n') + '\n';
}

function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}
