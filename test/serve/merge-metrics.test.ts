import { describe, expect, it } from 'vitest';
import { mergeMetricsTexts } from '../../src/serve/merge-metrics.js';

const process1 = `# HELP req_total Requests.
# TYPE req_total counter
req_total{model="m",status="200"} 3
req_total{model="m",status="400"} 1
# HELP lat_seconds Latency.
# TYPE lat_seconds histogram
lat_seconds_bucket{le="0.1"} 2
lat_seconds_bucket{le="+Inf"} 3
lat_seconds_sum 0.25
lat_seconds_count 3
# HELP mem_bytes Memory.
# TYPE mem_bytes gauge
mem_bytes 100
`;
const process2 = `# HELP req_total Requests.
# TYPE req_total counter
req_total{model="m",status="200"} 5
req_total{model="m",status="a b"} 2
# HELP lat_seconds Latency.
# TYPE lat_seconds histogram
lat_seconds_bucket{le="0.1"} 1
lat_seconds_bucket{le="+Inf"} 4
lat_seconds_sum 0.5
lat_seconds_count 4
# HELP mem_bytes Memory.
# TYPE mem_bytes gauge
mem_bytes 50
`;

describe('mergeMetricsTexts', () => {
  it('sums every series across processes and keeps each family together, in first-seen order', () => {
    expect(mergeMetricsTexts([process1, process2])).toBe(`# HELP req_total Requests.
# TYPE req_total counter
req_total{model="m",status="200"} 8
req_total{model="m",status="400"} 1
req_total{model="m",status="a b"} 2
# HELP lat_seconds Latency.
# TYPE lat_seconds histogram
lat_seconds_bucket{le="0.1"} 3
lat_seconds_bucket{le="+Inf"} 7
lat_seconds_sum 0.75
lat_seconds_count 7
# HELP mem_bytes Memory.
# TYPE mem_bytes gauge
mem_bytes 150
`);
  });

  it('gives one process its own text back', () => {
    expect(mergeMetricsTexts([process1])).toBe(process1);
  });
});
