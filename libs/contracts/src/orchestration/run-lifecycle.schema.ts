import { z } from 'zod';
import { RunStatusSchema } from '../run-event.schema';

/** JetStream stream of run lifecycle events (file-backed: it carries finished work). */
export const ORCHESTRATION_STREAM = 'ORCHESTRATION';
export const RUN_STARTED_SUBJECT = 'orchestration.run.started';
export const RUN_FINISHED_SUBJECT = 'orchestration.run.finished';

/**
 * The ORCHESTRATION stream's declaration, the one its owner (orchestration's outbox) and its
 * consumer (content, which may start first) both make: both subjects, and a one-hour
 * de-duplication window, so a redelivered finished run within the hour changes nothing.
 */
export const ORCHESTRATION_STREAM_SPEC: {
  name: string;
  subjects: string[];
  duplicateWindowMs: number;
} = {
  name: ORCHESTRATION_STREAM,
  subjects: [RUN_STARTED_SUBJECT, RUN_FINISHED_SUBJECT],
  duplicateWindowMs: 60 * 60_000,
};

/** Core-NATS subject on which every replica publishes a run's live events, so any replica can stream them. */
export function runEventsSubject(runId: string): string {
  return `orchestration.run.events.${runId}`;
}

/**
 * JetStream message ids of the lifecycle events. One stream holds both subjects and JetStream
 * de-duplicates by message id across the stream, so started and finished need ids of their own
 * (with the bare run id, the finished event was dropped as a duplicate of the started one). A run
 * that finishes again after a resume or an extension gets the seq of that `run.finished` event.
 */
export function runLifecycleMsgId(
  runId: string,
  event: 'started' | 'finished',
  finishSeq?: number,
): string {
  return finishSeq === undefined ? `${runId}.${event}` : `${runId}.${event}.${finishSeq}`;
}

export const RunStartedEventSchema = z
  .object({
    runId: z.string().uuid(),
    workspaceId: z.string().uuid(),
    storyEntryId: z.string().uuid(),
    workflow: z.string().min(1),
    startedBy: z.string().min(1),
    at: z.string().datetime(),
  })
  .strict();
export type RunStartedEvent = z.infer<typeof RunStartedEventSchema>;

/** Published with `msgID = runLifecycleMsgId(runId, 'finished')`; content stores `finalPost` as a new version of the story's post. */
export const RunFinishedEventSchema = z
  .object({
    runId: z.string().uuid(),
    workspaceId: z.string().uuid(),
    storyEntryId: z.string().uuid(),
    workflow: z.string().min(1),
    status: RunStatusSchema,
    reason: z.string().nullable(),
    finalPost: z.string().nullable(),
    usage: z.object({
      tokensIn: z.number().int().nonnegative(),
      tokensOut: z.number().int().nonnegative(),
      costUsd: z.number().nonnegative(),
    }),
    at: z.string().datetime(),
  })
  .strict();
export type RunFinishedEvent = z.infer<typeof RunFinishedEventSchema>;
