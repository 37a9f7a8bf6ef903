import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../src/serve/metrics.js';
import { parseExposition, sampleValue } from './prometheus-text.js';

describe('Prometheus text exposition', () => {
  it('renders counters and cumulative histograms that a strict reader accepts', () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter('app_requests_total', 'Requests, by model.');
    const latency = registry.histogram('app_latency_seconds', 'Latency.', [0.1, 1]);
    requests.inc({ model: 'a', status: '200' });
    requests.inc({ model: 'a', status: '200' }, 2);
    requests.inc({ model: 'b', status: '400' });
    for (const v of [0.05, 0.5, 0.7, 3]) latency.observe({ model: 'a' }, v);

    const text = registry.render();
    const parsed = parseExposition(text);
    expect(parsed.types.get('app_requests_total')).toBe('counter');
    expect(parsed.types.get('app_latency_seconds')).toBe('histogram');
    expect(parsed.help.get('app_requests_total')).toBe('Requests, by model.');
    expect(sampleValue(parsed, 'app_requests_total', { model: 'a', status: '200' })).toBe(3);
    expect(sampleValue(parsed, 'app_requests_total', { model: 'b', status: '400' })).toBe(1);
    const bucket = (le: string) => sampleValue(parsed, 'app_latency_seconds_bucket', { model: 'a', le });
    expect([bucket('0.1'), bucket('1'), bucket('+Inf')]).toEqual([1, 3, 4]);
    expect(sampleValue(parsed, 'app_latency_seconds_sum', { model: 'a' })).toBeCloseTo(4.25, 10);
    expect(sampleValue(parsed, 'app_latency_seconds_count', { model: 'a' })).toBe(4);
    expect(text).toContain(
      '# TYPE app_latency_seconds histogram\napp_latency_seconds_bucket{model="a",le="0.1"} 1\n',
    );
  });

  it('escapes label values and help text as the format requires', () => {
    const registry = new MetricsRegistry();
    registry.counter('x_total', 'line one\nback\\slash').inc({ model: 'we"ird\\name\nx' });
    const text = registry.render();
    expect(text).toContain('# HELP x_total line one\\nback\\\\slash\n');
    expect(text).toContain('x_total{model="we\\"ird\\\\name\\nx"} 1\n');
    expect(sampleValue(parseExposition(text), 'x_total', { model: 'we"ird\\name\nx' })).toBe(1);
  });

  it('a family with no observations is just its HELP and TYPE', () => {
    const registry = new MetricsRegistry();
    registry.histogram('empty_seconds', 'Nothing yet.', [1]);
    expect(registry.render()).toBe('# HELP empty_seconds Nothing yet.\n# TYPE empty_seconds histogram\n');
  });
});
