import {
  CONTENT_RUN_CONTEXT_SUBJECT,
  DEFAULT_VOICE_PROFILE,
  RunContextReply,
  RunContextRequestSchema,
} from '@postmagiq/contracts';
import { connectTestNats } from '@postmagiq/platform/testing';

export const TEST_STORY = {
  title: 'The backlog we deleted',
  topic: 'focus',
  body: 'Our team had 412 open tickets. In the retro I asked which of these a customer would notice if we never did them. We closed 118 that afternoon. The next sprint our standups dropped to twelve minutes and the release shipped two weeks early.',
};

/**
 * Plays content's part of `content.run-context.get` over real NATS, in the wire format of
 * @nestjs/microservices (request `{pattern, data, id}`, reply `{id, response | err, isDisposed}`).
 * Story entries are registered per workspace; anything else answers a 404 error.
 */
export interface ContentResponder {
  addStory(
    workspaceId: string,
    storyEntryId: string,
    personaOverrides?: Record<string, string>,
  ): void;
  requests: number;
  stop(): Promise<void>;
}

export async function startContentResponder(natsUrl: string): Promise<ContentResponder> {
  const nc = await connectTestNats(natsUrl);
  const stories = new Map<string, Record<string, string>>();
  const state = { requests: 0 };
  const sub = nc.subscribe(CONTENT_RUN_CONTEXT_SUBJECT, {
    queue: 'content',
    callback: (err, msg) => {
      if (err) return;
      state.requests += 1;
      const packet = msg.json<{ id: string; data: unknown }>();
      const request = RunContextRequestSchema.safeParse(packet.data);
      const key = request.success ? `${request.data.workspaceId}/${request.data.storyEntryId}` : '';
      const overrides = stories.get(key);
      if (!request.success || !overrides) {
        msg.respond(
          JSON.stringify({
            id: packet.id,
            err: { status: 404, message: 'story entry not found' },
            isDisposed: true,
          }),
        );
        return;
      }
      const reply: RunContextReply = {
        storyEntryId: request.data.storyEntryId,
        story: TEST_STORY,
        voiceProfileId: null,
        voice: DEFAULT_VOICE_PROFILE,
        calibration: null,
        personaOverrides: overrides,
        segment: null,
      };
      msg.respond(JSON.stringify({ id: packet.id, response: reply, isDisposed: true }));
    },
  });
  await nc.flush();
  return {
    addStory(workspaceId, storyEntryId, personaOverrides = {}) {
      stories.set(`${workspaceId}/${storyEntryId}`, personaOverrides);
    },
    get requests() {
      return state.requests;
    },
    async stop() {
      sub.unsubscribe();
      await nc.drain();
    },
  };
}
