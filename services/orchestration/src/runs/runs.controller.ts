import { Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  CancelRunRequest,
  CancelRunRequestSchema,
  EditRunRequest,
  EditRunRequestSchema,
  ListRunsQuery,
  ListRunsQuerySchema,
  RejectRunRequest,
  RejectRunRequestSchema,
  RunDetail,
  RunEventPage,
  RunEventsQuery,
  RunEventsQuerySchema,
  RunList,
  RunSummary,
  StartRunRequest,
  StartRunRequestSchema,
} from '@postmagiq/contracts';
import {
  CurrentPrincipal,
  Principal,
  Problems,
  uuidOr404,
  Scopes,
  ZodBody,
  ZodQuery,
} from '@postmagiq/platform';
import { RunEngine } from '../engine/run-engine.service';
import { RunViewsService, toSummary } from './run-views.service';

/** What an `Idempotency-Key` header may hold. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** A malformed id is a 404 like any unknown one. */
const RunId = uuidOr404('run');

@ApiTags('workflow runs')
@Controller('workflows/runs')
export class RunsController {
  constructor(
    private readonly engine: RunEngine,
    private readonly views: RunViewsService,
  ) {}

  @Post()
  @Scopes('content:write')
  @ApiOperation({
    summary:
      'Start a run of a workflow for a story entry (context fetched from content); live at /api/workflows/runs/:id/stream',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
    description:
      'Up to 255 visible ASCII characters. A retried request with the same key and body gets the run the first one started (Idempotent-Replayed: true); the key with another body answers 422.',
  })
  async start(
    @CurrentPrincipal() p: Principal,
    @ZodBody(StartRunRequestSchema) body: StartRunRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RunSummary> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw Problems.validation([
        { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
      ]);
    }
    const { run, replayed } = await this.engine.start(p, body, idempotencyKey);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return this.summary(p, run.id);
  }

  @Get()
  @Scopes('content:read')
  @ApiOperation({
    summary:
      'Runs of the workspace, newest first, filtered by status, workflow, story entry and creation date',
  })
  list(
    @CurrentPrincipal() p: Principal,
    @ZodQuery(ListRunsQuerySchema) q: ListRunsQuery,
  ): Promise<RunList> {
    return this.views.list(p.workspaceId, q);
  }

  @Get(':id')
  @Scopes('content:read')
  @ApiOperation({
    summary: 'A run with every state visit, every agent call, the breaker counters and the posts',
  })
  detail(@CurrentPrincipal() p: Principal, @Param('id', RunId) id: string): Promise<RunDetail> {
    return this.views.detail(p.workspaceId, id);
  }

  @Get(':id/events')
  @Scopes('content:read')
  @ApiOperation({
    summary:
      'The durable events of a run after a sequence number (the WebSocket replays the same log)',
  })
  events(
    @CurrentPrincipal() p: Principal,
    @Param('id', RunId) id: string,
    @ZodQuery(RunEventsQuerySchema) q: RunEventsQuery,
  ): Promise<RunEventPage> {
    return this.views.events(p.workspaceId, id, q.after, q.limit);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Scopes('content:write')
  @ApiOperation({ summary: 'Approve the post of a run awaiting approval (409 otherwise)' })
  async approve(
    @CurrentPrincipal() p: Principal,
    @Param('id', RunId) id: string,
  ): Promise<RunSummary> {
    return toSummary(await this.engine.decide(p, id, { decision: 'approve' }));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Scopes('content:write')
  @ApiOperation({
    summary:
      'Reject with feedback; the run goes where the workflow says (e.g. back to the synthesizer)',
  })
  async reject(
    @CurrentPrincipal() p: Principal,
    @Param('id', RunId) id: string,
    @ZodBody(RejectRunRequestSchema) body: RejectRunRequest,
  ): Promise<RunSummary> {
    return toSummary(
      await this.engine.decide(p, id, { decision: 'reject', feedback: body.feedback }),
    );
  }

  @Post(':id/edit')
  @HttpCode(200)
  @Scopes('content:write')
  @ApiOperation({ summary: 'Replace the post with the reviewer’s text, which becomes the output' })
  async edit(
    @CurrentPrincipal() p: Principal,
    @Param('id', RunId) id: string,
    @ZodBody(EditRunRequestSchema) body: EditRunRequest,
  ): Promise<RunSummary> {
    return toSummary(await this.engine.decide(p, id, { decision: 'edit', text: body.text }));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Scopes('content:write')
  async cancel(
    @CurrentPrincipal() p: Principal,
    @Param('id', RunId) id: string,
    @ZodBody(CancelRunRequestSchema.optional()) body?: CancelRunRequest,
  ): Promise<RunSummary> {
    return toSummary(await this.engine.cancel(p, id, body?.reason));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Scopes('content:write')
  @ApiOperation({
    summary: 'Continue a failed run from the state it failed in (a new visit of that state)',
  })
  async resume(
    @CurrentPrincipal() p: Principal,
    @Param('id', RunId) id: string,
  ): Promise<RunSummary> {
    return toSummary(await this.engine.resume(p, id));
  }

  @Post(':id/extend')
  @HttpCode(200)
  @Scopes('content:write')
  @ApiOperation({
    summary:
      'Use the run’s one soft-limit extension and continue a run a soft breaker limit halted',
  })
  async extend(
    @CurrentPrincipal() p: Principal,
    @Param('id', RunId) id: string,
  ): Promise<RunSummary> {
    return toSummary(await this.engine.extend(p, id));
  }

  private async summary(p: Principal, id: string): Promise<RunSummary> {
    return toSummary(await this.views.get(p.workspaceId, id));
  }
}
