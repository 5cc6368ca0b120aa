import { Inject, Injectable } from '@nestjs/common';
import {
  CONTENT_RUN_CONTEXT_SUBJECT,
  RunContextReply,
  RunContextReplySchema,
  RunContextRequest,
  RunContextRequestSchema,
} from '@postmagiq/contracts';
import { NatsRpcClient, Problems } from '@postmagiq/platform';
import { TimeoutError } from 'rxjs';
import { ZodError } from 'zod';
import { ORCHESTRATION_CONFIG, OrchestrationConfig } from '../config/orchestration.config';

/** Asks content (NATS request/reply) for everything a run needs: story, voice, calibration, personas. */
@Injectable()
export class RunContextClient {
  constructor(
    private readonly rpc: NatsRpcClient,
    @Inject(ORCHESTRATION_CONFIG) private readonly config: OrchestrationConfig,
  ) {}

  async get(request: RunContextRequest): Promise<RunContextReply> {
    try {
      return await this.rpc.request(
        CONTENT_RUN_CONTEXT_SUBJECT,
        RunContextRequestSchema.parse(request),
        RunContextReplySchema,
        this.config.CONTENT_RPC_TIMEOUT_MS,
      );
    } catch (error) {
      if (error instanceof TimeoutError)
        throw Problems.unavailable('the content service did not answer in time; try again');
      if (error instanceof ZodError)
        throw Problems.unavailable('the content service answered with an invalid run context');
      if (isNotFound(error)) throw Problems.notFound('story entry');
      const message = (error as { message?: unknown })?.message;
      if (
        typeof message === 'string' &&
        /no (message )?handler|no responders|empty response/i.test(message)
      ) {
        throw Problems.unavailable('the content service is not reachable');
      }
      throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as {
    status?: unknown;
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    error?: unknown;
  };
  if (e.status === 404 || e.statusCode === 404 || e.code === 'NOT_FOUND' || e.error === 'Not Found')
    return true;
  return typeof e.message === 'string' && /not found/i.test(e.message);
}
