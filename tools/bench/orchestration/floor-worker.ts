/*
 * The agent-worker half of the floor chain (see floor.ts), in its own process as the real worker
 * is: a BullMQ worker on the floor's agent queue that keeps the worker's guarantees with nothing
 * around them. Per job: look up the call's stored result (a redelivery answers with it), "call"
 * a zero-latency agent, stream its tokens on core NATS, store the result once (one Lua script, as
 * the real store), publish the call's one usage event to JetStream with `msgID = callId` and wait
 * for the ack, then complete (which moves the parent step job).
 *
 * Env: REDIS_URL, NATS_URL. Sends `ready` over IPC once consuming; exits on the IPC message `stop`
 * or when the bench's IPC channel closes.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats, redisConnectionOptions, type PlatformConfig } from '@postmagiq/platform';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  FLOOR_AGENT_QUEUE,
  FLOOR_PREFIX,
  FLOOR_USAGE_STREAM,
  FLOOR_USAGE_SUBJECT,
} from './floor-names';

/** Store once, answer what is stored (the real CallResultStore's put-if-absent, in one round trip). */
const PUT_IF_ABSENT = `
if redis.call('HSETNX', KEYS[1], 'result', ARGV[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return redis.call('HGET', KEYS[1], 'result')`;

interface FloorCall {
  runId: string;
  seq: number;
  callId: string;
}

async function main(): Promise<void> {
  const redisUrl = process.env['REDIS_URL'];
  const natsUrl = process.env['NATS_URL'];
  if (!redisUrl || !natsUrl) throw new Error('floor-worker needs REDIS_URL and NATS_URL');
  const redis = new Redis({ ...redisConnectionOptions(redisUrl), maxRetriesPerRequest: null });
  const nc = await connectNats({
    NATS_URL: natsUrl,
    SERVICE_NAME: 'bench-floor-worker',
  } as PlatformConfig);
  const jsm = await jetstreamManager(nc);
  await jsm.streams
    .add({ name: FLOOR_USAGE_STREAM, subjects: [FLOOR_USAGE_SUBJECT] })
    .catch(async () => {
      await jsm.streams.info(FLOOR_USAGE_STREAM); // it exists already: fine
    });
  const js = jetstream(nc);
  const encoder = new TextEncoder();

  const process_ = async (job: Job<FloorCall>) => {
    const { runId, seq, callId } = job.data;
    const key = `floor:call:${callId}`;
    const stored = await redis.hget(key, 'result');
    if (stored) return JSON.parse(stored) as unknown;
    const result = { content: `draft ${seq}`, tokensIn: 120, tokensOut: 40, costUsd: 0 };
    for (const token of ['draft', ' ', String(seq)]) {
      nc.publish(`floor.tokens.${runId}`, encoder.encode(JSON.stringify({ callId, token })));
    }
    const kept = (await redis.eval(
      PUT_IF_ABSENT,
      1,
      key,
      JSON.stringify(result),
      7 * 24 * 3600,
    )) as string;
    await js.publish(FLOOR_USAGE_SUBJECT, JSON.stringify({ callId, runId, ...result }), {
      msgID: callId,
    });
    return JSON.parse(kept) as unknown;
  };

  const worker = new Worker<FloorCall>(FLOOR_AGENT_QUEUE, process_, {
    connection: { ...redisConnectionOptions(redisUrl), maxRetriesPerRequest: null },
    prefix: FLOOR_PREFIX,
    concurrency: 16,
  });
  await worker.waitUntilReady();
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([worker.close(), nc.drain()])
      .then(() => redis.quit())
      .finally(() => process.exit(0));
  };
  process.on('message', (m) => m === 'stop' && stop());
  // the bench died without asking: do not keep consuming (and reconnecting) on its own
  process.on('disconnect', stop);
  process.send?.('ready');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
