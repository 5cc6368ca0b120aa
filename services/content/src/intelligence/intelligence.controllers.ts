import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateAudienceSegmentRequestSchema,
  CreateCalibratedVoiceRequestSchema,
  CreateSourceRequestSchema,
  ReindexResult,
  SearchResult,
  SemanticSearchQuery,
  SemanticSearchQuerySchema,
  UpdateAudienceSegmentRequestSchema,
  UpdateCalibratedVoiceRequestSchema,
  UpdateSourceRequestSchema,
  SourceSchema,
  AudienceSegmentSchema,
  CalibratedVoiceSchema,
  SearchResultSchema,
  ReindexResultSchema,
} from '@postmagiq/contracts';
import { ZodQuery } from '@postmagiq/platform';
import { CanRead, CanWrite, WorkspaceId } from '../common/access';
import { CrudController } from '../common/crud.controller';
import { ApiResult } from '../common/openapi';
import { AudienceSegmentsService } from './audience-segments.service';
import { CalibratedVoicesService } from './calibrated-voices.service';
import { EmbeddingsService } from './embeddings.service';
import { ReindexService } from './reindex.service';
import { SourcesService } from './sources.service';

const tag = 'market intelligence';

export class SourcesController extends CrudController({
  path: 'sources',
  tag,
  what: 'source',
  create: CreateSourceRequestSchema,
  update: UpdateSourceRequestSchema,
  dto: SourceSchema,
  service: SourcesService,
}) {}

export class AudienceSegmentsController extends CrudController({
  path: 'audience-segments',
  tag,
  what: 'audience segment',
  create: CreateAudienceSegmentRequestSchema,
  update: UpdateAudienceSegmentRequestSchema,
  dto: AudienceSegmentSchema,
  service: AudienceSegmentsService,
}) {}

export class CalibratedVoicesController extends CrudController({
  path: 'calibrated-voices',
  tag,
  what: 'calibrated voice',
  create: CreateCalibratedVoiceRequestSchema,
  update: UpdateCalibratedVoiceRequestSchema,
  dto: CalibratedVoiceSchema,
  service: CalibratedVoicesService,
}) {}

@ApiTags(tag)
@CanRead()
@Controller('search')
export class SearchController {
  constructor(
    private readonly embeddings: EmbeddingsService,
    private readonly reindexer: ReindexService,
  ) {}

  @Get()
  @ApiResult(SearchResultSchema)
  @ApiOperation({
    summary:
      "Semantic search over the workspace's posts, story entries and sources (nearest first)",
  })
  search(
    @WorkspaceId() ws: string,
    @ZodQuery(SemanticSearchQuerySchema) q: SemanticSearchQuery,
  ): Promise<SearchResult> {
    return this.embeddings.search(ws, q.q, q.types, q.limit);
  }

  @Post('reindex')
  @ApiResult(ReindexResultSchema)
  @HttpCode(200)
  @CanWrite()
  @ApiOperation({
    summary: 'Embed every item of the workspace again (after changing the embedding provider)',
  })
  reindex(@WorkspaceId() ws: string): Promise<ReindexResult> {
    return this.reindexer.reindexWorkspace(ws);
  }
}
