import { ensureSchema, serviceDataSourceOptions } from '@postmagiq/platform';
import { Managed, startEmbeddedPostgresProcess } from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  AgentCallEntity,
  newRun,
  ORCHESTRATION_ENTITIES,
  ORCHESTRATION_SCHEMA,
  RunEntity,
  RunEventEntity,
  RunStart,
  TransitionEntity,
} from '../entities';
import { ORCHESTRATION_MIGRATIONS } from '../migrations';
import { StepWrites } from './step-writes';

/** A run row as RunEngine.start builds it (every column set). */
function newRunRow(id = randomUUID()): RunEntity {
  const run = newRun({
    id,
    workspaceId: randomUUID(),
    storyEntryId: randomUUID(),
    definition: {
      name: 'w',
      initialState: 'start',
      states: {},
    } as unknown as RunStart['definition'],
    input: { story: 's', voice: null } as unknown as RunStart['input'],
    personaOverrides: {},
    backendOverrides: {},
    startedBy: randomUUID(),
    idempotencyKey: null,
    requestHash: null,
    startedAt: new Date('2026-01-02T03:04:05.000Z'),
  });
  run.context = { ...run.context, drafts: ['a', 'b'], visits: { start: 1 } };
  return run;
}

function transition(runId: string, seq: number): TransitionEntity {
  return Object.assign(new TransitionEntity(), {
    runId,
    seq,
    fromState: seq === 0 ? null : 'start',
    toState: 'draft',
    stateType: 'single',
    condition: null,
    visit: 1,
  });
}

describe('StepWrites (one statement per step, on the embedded Postgres)', () => {
  let pg: Managed;
  let ds: DataSource;

  beforeAll(async () => {
    pg = await startEmbeddedPostgresProcess();
    await ensureSchema(pg.url, ORCHESTRATION_SCHEMA);
    ds = new DataSource({
      ...serviceDataSourceOptions(pg.url, {
        name: 'step-writes',
        schema: ORCHESTRATION_SCHEMA,
        entities: ORCHESTRATION_ENTITIES,
        migrations: ORCHESTRATION_MIGRATIONS,
      }),
      migrationsRun: true,
    });
    await ds.initialize();
  }, 120_000);

  afterAll(async () => {
    await ds?.destroy();
    await pg?.stop();
  });

  it('inserts a run and its rows in one statement, JSON intact and defaults applied', async () => {
    const run = newRunRow();
    const event = { type: 'run.started', runId: run.id, seq: 1, at: 'x', list: [1, 2] };
    await new StepWrites(ds.manager)
      .insert(RunEntity, [run])
      .insert(TransitionEntity, [transition(run.id, 0)])
      .insert(RunEventEntity, [
        Object.assign(new RunEventEntity(), { runId: run.id, seq: 1, type: 'run.started', event }),
      ])
      .execute();
    const stored = await ds.getRepository(RunEntity).findOneByOrFail({ id: run.id });
    expect(stored.context).toEqual(run.context);
    expect(stored.context).toMatchObject({ drafts: ['a', 'b'], visits: { start: 1 } });
    expect(stored.definition).toEqual({ name: 'w', initialState: 'start', states: {} });
    expect(stored.startedAt.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    const row = await ds.getRepository(TransitionEntity).findOneByOrFail({ runId: run.id, seq: 0 });
    expect(row.fromState).toBeNull();
    expect(row.createdAt).toBeInstanceOf(Date); // the column's default
    const stored2 = await ds
      .getRepository(RunEventEntity)
      .findOneByOrFail({ runId: run.id, seq: 1 });
    expect(stored2.event).toEqual(event);
  });

  it('updates with its conditions, sets updated_at, and keeps a top-level JSON array an array', async () => {
    const run = newRunRow();
    await new StepWrites(ds.manager).insert(RunEntity, [run]).execute();
    await new StepWrites(ds.manager)
      .update(
        RunEntity,
        { seq: 3, pendingResult: [1, 'two'] as never, reason: null },
        { id: run.id },
      )
      .update(RunEntity, { seq: 99 }, { id: randomUUID() }) // no such row: nothing happens
      .execute();
    const stored = await ds.getRepository(RunEntity).findOneByOrFail({ id: run.id });
    expect(stored.seq).toBe(3);
    expect(stored.pendingResult).toEqual([1, 'two']);
    expect(stored.updatedAt.getTime()).toBeGreaterThan(run.updatedAt.getTime());
  });

  it('writes nothing at all when one part fails (a repeated transition seq)', async () => {
    const run = newRunRow();
    await new StepWrites(ds.manager)
      .insert(RunEntity, [run])
      .insert(TransitionEntity, [transition(run.id, 1)])
      .execute();
    const repeated = new StepWrites(ds.manager)
      .update(RunEntity, { seq: 1, status: 'completed' }, { id: run.id })
      .insert(TransitionEntity, [transition(run.id, 2), transition(run.id, 1)]);
    await expect(repeated.execute()).rejects.toThrow(/duplicate key/);
    const stored = await ds.getRepository(RunEntity).findOneByOrFail({ id: run.id });
    expect(stored.status).toBe('running');
    expect(await ds.getRepository(TransitionEntity).countBy({ runId: run.id })).toBe(1);
  });

  it('leaves a call that is no longer queued as it is', async () => {
    const run = newRunRow();
    const call = Object.assign(new AgentCallEntity(), {
      callId: `${run.id}.1.writer`,
      runId: run.id,
      workspaceId: run.workspaceId,
      seq: 1,
      state: 'draft',
      visit: 1,
      position: 0,
      agent: 'writer',
      persona: 'writer',
      requestedBackend: 'simulated',
      queueBackend: 'simulated',
      job: { callId: `${run.id}.1.writer` },
      early: false,
      status: 'succeeded',
      backend: 'simulated',
      model: 'm',
      tokensIn: 1,
      tokensOut: 2,
      cachedTokensIn: 0,
      costUsd: 0,
      durationMs: 1,
      simulated: true,
      output: 'first',
      error: null,
      promptHash: 'h',
      queuedAt: new Date(),
      finishedAt: new Date(),
    });
    await new StepWrites(ds.manager)
      .insert(RunEntity, [run])
      .insert(AgentCallEntity, [call])
      .execute();
    await new StepWrites(ds.manager)
      .update(AgentCallEntity, { output: 'second' }, { callId: call.callId, status: 'queued' })
      .execute();
    const stored = await ds.getRepository(AgentCallEntity).findOneByOrFail({ callId: call.callId });
    expect(stored.output).toBe('first');
  });

  it('refuses an update that names no column', () => {
    expect(() =>
      new StepWrites(ds.manager).update(RunEntity, { nope: 1 } as never, { id: 'x' }),
    ).toThrow(/runs has no column for property 'nope'/);
  });
});
