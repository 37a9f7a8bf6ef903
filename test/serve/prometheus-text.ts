/** One sample line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed exposition: TYPE and HELP per metric family, and every sample in order. */
export interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * A strict reader of text format 0.0.4, written from the format's description independently of
 * the server's writer: it throws on any line the format does not allow, on a sample before its
 * family's TYPE, and on histograms whose buckets are not cumulative or whose +Inf bucket is not
 * the count.
 */
export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
      const [, kind, name, ...rest] = line.split(' ');
      if (!NAME.test(name!)) throw new Error(`bad metric name in '${line}'`);
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest.join(' ')))
          throw new Error(`bad type in '${line}'`);
        if (types.has(name!)) throw new Error(`second TYPE for ${name}`);
        types.set(name!, rest.join(' '));
      } else help.set(name!, rest.join(' '));
      continue;
    }
    if (line.startsWith('#') || line === '') continue;
    samples.push(parseSample(line));
  }
  for (const sample of samples) {
    const family = [...types.keys()].find(
      (f) =>
        sample.name === f ||
        (types.get(f) === 'histogram' &&
          /^_(bucket|sum|count)$/.test(sample.name.slice(f.length)) &&
          sample.name.startsWith(f)),
    );
    if (!family) throw new Error(`sample ${sample.name} has no TYPE line`);
  }
  checkHistograms(types, samples);
  return { types, help, samples };
}

function parseSample(line: string): Sample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
  if (!match) throw new Error(`not a sample line: '${line}'`);
  const labels: Record<string, string> = {};
  let rest = match[3] ?? '';
  while (rest.length > 0) {
    const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)/.exec(rest);
    if (!label) throw new Error(`bad labels in '${line}'`);
    labels[label[1]!] = label[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(label[0].length);
  }
  const raw = match[4]!;
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
  if (raw !== 'NaN' && Number.isNaN(value)) throw new Error(`bad value in '${line}'`);
  return { name: match[1]!, labels, value };
}

function checkHistograms(types: Map<string, string>, samples: Sample[]): void {
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((s) => s.name === `${family}_bucket`)) {
      const { le: _le, ...rest } = s.labels;
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), s]);
    }
    for (const [key, buckets] of series) {
      for (let i = 1; i < buckets.length; i++)
        if (buckets[i]!.value < buckets[i - 1]!.value)
          throw new Error(`${family} ${key}: buckets not cumulative`);
      const inf = buckets.at(-1)!;
      if (inf.labels.le !== '+Inf') throw new Error(`${family} ${key}: last bucket is not +Inf`);
      const count = samples.find((s) => s.name === `${family}_count` && JSON.stringify(s.labels) === key);
      if (count?.value !== inf.value) throw new Error(`${family} ${key}: +Inf bucket is not the count`);
    }
  }
}

/** The value of one sample (labels must match exactly), or undefined. */
export function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  return exposition.samples.find(
    (s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want,
  )?.value;
}
