import { jetstreamManager } from '@nats-io/jetstream';
import {
  CONTENT_RUN_CONTEXT_SUBJECT,
  ORCHESTRATION_STREAM,
  RUN_FINISHED_SUBJECT,
  RunContextReplySchema,
  RunFinishedEvent,
} from '@postmagiq/contracts';
import { JetStreamService, NATS_CONNECTION, NatsRpcClient } from '@postmagiq/platform';
import { waitFor } from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { RUN_FINISHED_DURABLE } from '../events/run-finished.consumer';
import { useContentApp, type Json, type Page, created } from '../testing/content-app';
import { SAMPLE_1 } from '../testing/samples';

jest.setTimeout(120_000);

describe('content service: service to service (real Redis, NATS, embedded Postgres with pgvector)', () => {
  const fx = useContentApp();
  const { workspace } = fx;

  describe('service to service', () => {
    async function runnableEntry(ws: Awaited<ReturnType<typeof workspace>>) {
      const s = await created(ws.editor('POST', '/strategies', { name: 'S' }));
      const c = await created(ws.editor('POST', `/strategies/${s.id}/chapters`, { theme: 'T' }));
      return created(
        ws.editor('POST', `/chapters/${c.id}/story-entries`, {
          topic: 'A lying résumé',
          storySource: 'We hired from a résumé once.',
          shape: 'reversal',
        }),
      );
    }

    it('answers content.run-context.get with story, voice, calibration, persona overrides and segment in one reply', async () => {
      const ws = await workspace();
      const entry = await runnableEntry(ws);
      const rpc = fx.app.get(NatsRpcClient);
      const ask = (payload: unknown) =>
        rpc.request(CONTENT_RUN_CONTEXT_SUBJECT, payload, RunContextReplySchema);

      const bare = await ask({ workspaceId: ws.id, storyEntryId: entry.id });
      expect(bare).toMatchObject({
        storyEntryId: entry.id,
        story: {
          title: 'A lying résumé',
          topic: 'A lying résumé',
          body: 'We hired from a résumé once.',
          shape: 'reversal',
        },
        voiceProfileId: null,
        voice: { name: 'Default professional voice' },
        calibration: null,
        personaOverrides: {},
        segment: null,
      });

      const voice = await created(
        ws.editor('POST', '/voice-profiles', {
          name: 'Dana',
          examples: [SAMPLE_1],
          isDefault: true,
        }),
      );
      const other = await created(ws.editor('POST', '/voice-profiles', { name: 'Lee' }));
      await created(
        ws.editor('POST', '/personas', { name: 'writer', template: 'Write {{story_title}}.' }),
      );
      const segment = await created(
        ws.editor('POST', '/audience-segments', {
          name: 'Founders',
          description: 'Seed-stage founders',
          isPrimary: true,
        }),
      );
      const full = await ask({ workspaceId: ws.id, storyEntryId: entry.id });
      expect(full).toMatchObject({
        voiceProfileId: voice.id,
        voice: { name: 'Dana', examples: [SAMPLE_1] },
        calibration: { sampleCount: 1, hashtagsPerPost: 2 },
        personaOverrides: { writer: 'Write {{story_title}}.' },
        segment: { id: segment.id, name: 'Founders', description: 'Seed-stage founders' },
      });
      expect(
        (await ask({ workspaceId: ws.id, storyEntryId: entry.id, voiceProfileId: other.id })).voice
          .name,
      ).toBe('Lee');

      const stranger = await workspace();
      // RPC errors reach the caller as {error: {status, message}, message}
      await expect(ask({ workspaceId: stranger.id, storyEntryId: entry.id })).rejects.toMatchObject(
        { error: { status: 404 }, message: 'story entry not found in this workspace' },
      );
      await expect(
        ask({ workspaceId: ws.id, storyEntryId: entry.id, voiceProfileId: randomUUID() }),
      ).rejects.toMatchObject({ error: { status: 404 } });
      await expect(ask({ workspaceId: 'nope', storyEntryId: entry.id })).rejects.toMatchObject({
        error: { status: 400, message: expect.stringContaining('workspaceId') },
      });
    });

    it('stores a finished run as one version however often the event arrives', async () => {
      const ws = await workspace();
      const entry = await runnableEntry(ws);
      const js = fx.app.get(JetStreamService);
      const jsm = await jetstreamManager(fx.app.get(NATS_CONNECTION));
      const event = (over: Partial<RunFinishedEvent> = {}): RunFinishedEvent => ({
        runId: randomUUID(),
        workspaceId: ws.id,
        storyEntryId: entry.id as string,
        workflow: 'linkedin_post',
        status: 'completed',
        reason: null,
        finalPost: 'The résumé lied. The work did not.\n\n#hiring',
        usage: { tokensIn: 1200, tokensOut: 400, costUsd: 0.02 },
        at: new Date().toISOString(),
        ...over,
      });
      /** Publishes and waits until the content consumer has acknowledged everything up to it. */
      const deliver = async (ev: RunFinishedEvent, msgId: string) => {
        const { seq } = await js.publish(RUN_FINISHED_SUBJECT, ev, msgId);
        await waitFor(
          async () => {
            const info = await jsm.consumers.info(ORCHESTRATION_STREAM, RUN_FINISHED_DURABLE);
            return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0;
          },
          15_000,
          `the consumer to ack #${seq}`,
        );
      };
      const versionsOf = (runId: string) =>
        fx.ds.query(`SELECT post_id, number FROM content.post_versions WHERE run_id = $1`, [runId]);

      const run = event();
      // twice with distinct message ids, so JetStream's own de-duplication cannot hide a handler bug
      await deliver(run, `${run.runId}:a`);
      await deliver(run, `${run.runId}:b`);
      const stored = await versionsOf(run.runId);
      expect(stored).toHaveLength(1);
      const posts = await ws.viewer<Page>('GET', `/posts?storyEntryId=${entry.id}`);
      expect(posts.body.items).toHaveLength(1);
      expect(posts.body.items[0]).toMatchObject({
        status: 'draft',
        currentVersion: 1,
        content: run.finalPost,
        title: 'A lying résumé',
      });
      const [version] = (
        await ws.viewer<Page>('GET', `/posts/${posts.body.items[0]?.['id']}/versions`)
      ).body.items;
      expect(version).toMatchObject({
        source: 'workflow',
        runId: run.runId,
        workflow: 'linkedin_post',
      });
      expect((await ws.viewer<Json>('GET', `/story-entries/${entry.id}`)).body['status']).toBe(
        'written',
      );

      // a second run revises the same open post; a failed run stores nothing
      const second = event({ finalPost: 'Second take.' });
      await deliver(second, second.runId);
      const failed = event({ status: 'failed', finalPost: null, reason: 'breaker tripped' });
      await deliver(failed, failed.runId);
      expect(await versionsOf(failed.runId)).toEqual([]);
      const after = await ws.viewer<Page>('GET', `/posts?storyEntryId=${entry.id}`);
      expect(after.body.items).toHaveLength(1);
      expect(after.body.items[0]).toMatchObject({ currentVersion: 2, content: 'Second take.' });

      // once the post is published, the next run starts a new draft instead of touching it
      const postId = after.body.items[0]?.['id'];
      for (const to of ['in_review', 'approved', 'published'])
        await ws.editor('POST', `/posts/${postId}/transition`, { to });
      const third = event({ finalPost: 'A fresh angle.' });
      await deliver(third, third.runId);
      const all = await ws.viewer<Page>('GET', `/posts?storyEntryId=${entry.id}`);
      expect(all.body.items.map((p) => [p['status'], p['content']]).sort()).toEqual([
        ['draft', 'A fresh angle.'],
        ['published', 'Second take.'],
      ]);
    });
  });
});
