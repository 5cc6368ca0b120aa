import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  CONTENT_RUN_CONTEXT_SUBJECT,
  RunContextReply,
  RunContextReplySchema,
  RunContextRequestSchema,
} from '@postmagiq/contracts';
import { zodIssuesToFieldErrors } from '@postmagiq/platform';
import { RunContextService } from './run-context.service';

/**
 * NATS request/reply for orchestration: everything a run needs from content in one reply. The
 * request is validated with the contract's schema; failures come back as RPC errors
 * `{status, message}` (400 bad request, 404 unknown story entry or voice in that workspace).
 */
@Controller()
export class RunContextRpcController {
  constructor(private readonly context: RunContextService) {}

  @MessagePattern(CONTENT_RUN_CONTEXT_SUBJECT)
  async runContext(@Payload() payload: unknown): Promise<RunContextReply> {
    const parsed = RunContextRequestSchema.safeParse(payload);
    if (!parsed.success) {
      const detail = zodIssuesToFieldErrors(parsed.error, 'payload')
        .map((e) => `${e.field}: ${e.message}`)
        .join('; ');
      throw new RpcException({ status: 400, message: detail });
    }
    return RunContextReplySchema.parse(await this.context.build(parsed.data));
  }
}
