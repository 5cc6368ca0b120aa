/** Per-stage figures out of k6's summary (the submetrics mix.k6.js names in its thresholds). */
export interface StageFigures {
  name: string;
  vus: number;
  requests: number;
  /** requests over the stage's duration */
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  unexpected: number;
  runsStarted: number;
}

interface K6Summary {
  metrics: Record<string, { values: Record<string, number> } | undefined>;
}

export function stageFigures(
  summary: K6Summary,
  stages: number[],
  stageSeconds: number,
): StageFigures[] {
  const value = (metric: string, stat: string) => summary.metrics[metric]?.values[stat] ?? 0;
  return stages.map((vus, i) => {
    const tag = `{scenario:s${i}}`;
    const requests = value(`http_reqs${tag}`, 'count');
    return {
      name: `s${i}`,
      vus,
      requests,
      rps: requests / stageSeconds,
      p50Ms: value(`http_req_duration${tag}`, 'med'),
      p95Ms: value(`http_req_duration${tag}`, 'p(95)'),
      p99Ms: value(`http_req_duration${tag}`, 'p(99)'),
      unexpected: value(`unexpected${tag}`, 'count'),
      runsStarted: value(`runs_started${tag}`, 'count'),
    };
  });
}

export interface RequestKindFigures {
  name: string;
  count: number;
  p50Ms: number;
  p99Ms: number;
}

/** Per request kind (the `name` tag mix.k6.js gives each request), over every stage. */
export function requestKindFigures(summary: K6Summary): RequestKindFigures[] {
  return Object.entries(summary.metrics)
    .filter(([metric]) => metric.startsWith('http_req_duration{name:'))
    .map(([metric, m]) => ({
      name: metric.slice('http_req_duration{name:'.length, -1),
      count: m?.values['count'] ?? 0,
      p50Ms: m?.values['med'] ?? 0,
      p99Ms: m?.values['p(99)'] ?? 0,
    }));
}
