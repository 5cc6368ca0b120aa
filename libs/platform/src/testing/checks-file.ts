import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Check {
  name: string;
  ok: boolean;
}

/**
 * A tool run as a stage of the test command (the chaos run, the load invariants) reports its
 * checks where the jest projects report their tests: when CHECKS_FILE is set, it gets
 * `{project, passed, failed, skipped, failures}`, which tools/test/print-summary.js adds up.
 */
export function writeChecksFile(project: string, checks: Check[]): void {
  const file = process.env['CHECKS_FILE'];
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  const failed = checks.filter((c) => !c.ok);
  writeFileSync(
    file,
    JSON.stringify({
      project,
      passed: checks.length - failed.length,
      failed: failed.length,
      skipped: 0,
      failures: failed.map((c) => c.name),
    }),
  );
}
