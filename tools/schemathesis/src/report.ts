export interface Summary {
  /** API operations with no failed check. */
  passed: number;
  /** API operations where a check failed. */
  failed: number;
  /** API operations Schemathesis could not test (e.g. no example could be generated). */
  skipped: number;
  /** Requests sent (test cases), from the event stream. */
  testCases: number;
  /** Responses with a status ≥ 500. */
  serverErrors: number;
}

/**
 * Counts the run from Schemathesis's reports: one JUnit test case per API operation (failed when
 * it holds a <failure> or <error>, skipped when it holds <skipped>), and the requests and their
 * statuses from the NDJSON event stream.
 */
export function summarise(junit: string, ndjson: string): Summary {
  const cases = junit.match(/<testcase\b[\s\S]*?(?:\/>|<\/testcase>)/g) ?? [];
  let failed = 0;
  let skipped = 0;
  for (const c of cases) {
    if (/<(failure|error)\b/.test(c)) failed += 1;
    else if (/<skipped\b/.test(c)) skipped += 1;
  }
  let testCases = 0;
  let serverErrors = 0;
  for (const status of ndjson.matchAll(/"status_code":\s*(\d{3})/g)) {
    testCases += 1;
    if (Number(status[1]) >= 500) serverErrors += 1;
  }
  return { passed: cases.length - failed - skipped, failed, skipped, testCases, serverErrors };
}
