import type { INestApplication } from '@nestjs/common';
import { BillingRequestSubjects, USAGE_STREAM } from '@postmagiq/contracts';
import { startTestInfra, TestInfra } from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountsService } from '../accounts/accounts.service';
import { USAGE_DURABLE } from '../metering/usage-consumer.service';
import {
  consumerDrained,
  dataSourceOf,
  METERED,
  rpcClient,
  startBilling,
  usageEvent,
  usagePublisher,
} from '../testing/billing-harness';
import { ReconciliationService } from './reconciliation.service';

jest.setTimeout(120_000);

describe('reconciliation sweep', () => {
  let infra: TestInfra;
  let dataDir: string;
  let app: INestApplication;

  beforeAll(async () => {
    infra = await startTestInfra();
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-billing-reconcile-'));
    app = await startBilling({ ...infra.env, DATA_DIR: dataDir, ...METERED });
  });
  afterAll(async () => {
    await app?.close();
    await infra?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('settles expired holds, closes expired grants, and reports balances and usage the ledger disagrees with', async () => {
    const ws = randomUUID();
    const ds = dataSourceOf(app);
    const sweep = app.get(ReconciliationService);
    await app.get(AccountsService).grant({
      workspaceId: ws,
      source: 'allowance',
      sourceRef: 'period-0',
      amountMicros: 1_000,
      expiresAt: new Date(Date.now() + 60_000),
    });
    const rpc = await rpcClient(infra.natsUrl);
    const runId = randomUUID();
    expect(
      (
        await rpc.request(BillingRequestSubjects.holdPlace, {
          workspaceId: ws,
          runId,
          estimateMicros: 400,
        })
      ).placed,
    ).toBe(true);
    await rpc.close();
    // time passes: the hold's run never reported its end
    await ds.query(
      `UPDATE billing.holds SET expires_at = now() - interval '1 minute' WHERE run_id = $1`,
      [runId],
    );

    const pub = await usagePublisher(infra.natsUrl);
    const counted = usageEvent(ws, randomUUID(), 0.0005); // 500 micro-USD outside any hold
    await pub.publish(counted);
    await consumerDrained(pub.nc, USAGE_STREAM, USAGE_DURABLE);
    // …and the allowance's period is over
    await ds.query(
      `UPDATE billing.credit_grants SET expires_at = now() - interval '1 second' WHERE workspace_id = $1`,
      [ws],
    );

    const report = await sweep.sweep();
    expect(report).toMatchObject({ holdsSettled: 1, grantsExpired: 1, balanceMismatches: [] });
    const [balance] = (await ds.query(
      `SELECT available::int, held::int FROM billing.balances WHERE workspace_id = $1`,
      [ws],
    )) as Array<{ available: number; held: number }>;
    // 1,000 granted, 500 spent, the hold's 400 released, the 500 left of the allowance expired
    expect(balance).toEqual({ available: 0, held: 0 });
    const kinds = (await ds.query(
      `SELECT kind FROM billing.ledger_entries WHERE workspace_id = $1 ORDER BY id`,
      [ws],
    )) as Array<{ kind: string }>;
    expect(kinds.map((k) => k.kind)).toEqual(['grant', 'hold', 'capture', 'release', 'expire']);

    // a balance edited behind the ledger's back, and a usage event lost from the ledger
    await ds.query(
      `UPDATE billing.balances SET available = available + 5 WHERE workspace_id = $1`,
      [ws],
    );
    await ds.query(`DELETE FROM billing.usage_events WHERE msg_id = $1`, [counted.callId]);
    expect(await sweep.balanceMismatches()).toEqual([ws]);
    expect(await sweep.missingUsage(0)).toEqual([counted.callId]);
    await pub.close();
  });
});
