import {
  BillingRequestSubjects,
  HoldPlaceRequestSchema,
  HoldReply,
  HoldSettleRequestSchema,
} from '@postmagiq/contracts';
import type { NatsConnection } from '@nats-io/nats-core/lib/mod';
import * as transport from '@nats-io/transport-node';

const connect = (
  transport as unknown as { connect(o: { servers: string }): Promise<NatsConnection> }
).connect;

/**
 * Plays billing's part of `billing.hold.place` / `billing.hold.get` over real NATS, in the wire
 * format of @nestjs/microservices: holds are placed while the workspace's credit covers the
 * estimate, and a test sets a run's hold status (e.g. reopened after a top-up).
 */
export interface BillingResponder {
  setCredit(workspaceId: string, availableMicros: number): void;
  setHoldStatus(runId: string, status: HoldReply['status']): void;
  placed: string[];
  stop(): Promise<void>;
}

export async function startBillingResponder(natsUrl: string): Promise<BillingResponder> {
  const nc = await connect({ servers: natsUrl });
  const credit = new Map<string, number>();
  const holds = new Map<string, HoldReply>();
  const placed: string[] = [];
  const reply = (id: string, response: unknown) =>
    JSON.stringify({ id, response, isDisposed: true });
  nc.subscribe(BillingRequestSubjects.holdPlace, {
    queue: 'billing',
    callback: (err, msg) => {
      if (err) return;
      const packet = msg.json<{ id: string; data: unknown }>();
      const req = HoldPlaceRequestSchema.parse(packet.data);
      const available = credit.get(req.workspaceId) ?? 0;
      const ok = available >= req.estimateMicros;
      if (ok) credit.set(req.workspaceId, available - req.estimateMicros);
      const answer: HoldReply = {
        placed: ok,
        runId: req.runId,
        amountMicros: ok ? req.estimateMicros : 0,
        capturedMicros: 0,
        status: ok ? 'open' : 'refused',
        estimateMicros: req.estimateMicros,
        balance: {
          availableMicros: credit.get(req.workspaceId) ?? 0,
          heldMicros: ok ? req.estimateMicros : 0,
        },
        overdraftLimitMicros: 0,
        metered: true,
        reason: ok ? null : 'add credit under Billing',
      };
      if (ok) {
        holds.set(req.runId, answer);
        placed.push(req.runId);
      }
      msg.respond(reply(packet.id, answer));
    },
  });
  nc.subscribe(BillingRequestSubjects.holdGet, {
    queue: 'billing',
    callback: (err, msg) => {
      if (err) return;
      const packet = msg.json<{ id: string; data: unknown }>();
      const hold = holds.get(HoldSettleRequestSchema.parse(packet.data).runId);
      msg.respond(
        hold
          ? reply(packet.id, hold)
          : JSON.stringify({
              id: packet.id,
              err: { status: 404, message: 'hold not found' },
              isDisposed: true,
            }),
      );
    },
  });
  await nc.flush();
  return {
    setCredit: (ws, micros) => credit.set(ws, micros),
    setHoldStatus: (runId, status) => {
      const hold = holds.get(runId);
      if (hold) holds.set(runId, { ...hold, status });
    },
    placed,
    stop: () => nc.drain(),
  };
}
