import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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
  Scopes,
  ZodBody,
  ZodQuery,
} from '@postmagiq/platform';
import { RunEngine } from '../engine/run-engine.service';
import { RunViewsService, toSummary } from './run-views.service';

/** A malformed id is a 404 like any unknown one. */
const RunId = new ParseUUIDPipe({ exceptionFactory: () => Problems.notFound('run') });

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
  async start(
    @CurrentPrincipal() p: Principal,
    @ZodBody(StartRunRequestSchema) body: StartRunRequest,
  ): Promise<RunSummary> {
    return this.summary(p, (await this.engine.start(p, body)).id);
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
