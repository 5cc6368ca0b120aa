import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Chapter,
  ContentPageQuery,
  ContentPageQuerySchema,
  CreateChapterRequest,
  CreateChapterRequestSchema,
  CreateGoalRequestSchema,
  CreateStoryEntryRequest,
  CreateStoryEntryRequestSchema,
  CreateStrategyRequestSchema,
  GoalStatusSchema,
  NextStoryEntry,
  Page,
  ReorderRequest,
  ReorderRequestSchema,
  StoryEntryDto,
  UpdateChapterRequest,
  UpdateChapterRequestSchema,
  UpdateGoalRequestSchema,
  UpdateStoryEntryRequest,
  UpdateStoryEntryRequestSchema,
  UpdateStrategyRequestSchema,
  StrategySchema,
  GoalSchema,
  ChapterSchema,
  StoryEntryDtoSchema,
  NextStoryEntrySchema,
} from '@postmagiq/contracts';
import { uuidOr404, ZodBody, ZodQuery } from '@postmagiq/platform';
import { z } from 'zod';
import { CanDelete, CanRead, CanWrite, WorkspaceId } from '../common/access';
import { CrudController } from '../common/crud.controller';
import { ApiPageResult, ApiResult } from '../common/openapi';
import { ChaptersService } from './chapters.service';
import { GoalsService } from './goals.service';
import { StoryEntriesService } from './story-entries.service';
import { StrategiesService } from './strategies.service';

const tag = 'content strategy';
const StrategyId = uuidOr404('strategy');
const ChapterId = uuidOr404('chapter');
const EntryId = uuidOr404('story entry');

export class StrategiesController extends CrudController({
  path: 'strategies',
  tag,
  what: 'strategy',
  create: CreateStrategyRequestSchema,
  update: UpdateStrategyRequestSchema,
  dto: StrategySchema,
  service: StrategiesService,
}) {
  @Inject(ChaptersService) private readonly chapters!: ChaptersService;

  @Get(':id/chapters')
  @ApiPageResult(ChapterSchema)
  @ApiOperation({ summary: 'Chapters of a strategy, by number' })
  listChapters(
    @WorkspaceId() ws: string,
    @Param('id', StrategyId) id: string,
    @ZodQuery(ContentPageQuerySchema) page: ContentPageQuery,
  ): Promise<Page<Chapter>> {
    return this.chapters.list(ws, id, page);
  }

  @Post(':id/chapters')
  @ApiResult(ChapterSchema, 201)
  @CanWrite()
  @ApiOperation({ summary: 'Add a chapter at `number` (the following ones shift) or at the end' })
  createChapter(
    @WorkspaceId() ws: string,
    @Param('id', StrategyId) id: string,
    @ZodBody(CreateChapterRequestSchema) body: CreateChapterRequest,
  ): Promise<Chapter> {
    return this.chapters.create(ws, id, body);
  }

  @Put(':id/chapters/order')
  @ApiPageResult(ChapterSchema)
  @CanWrite()
  @ApiOperation({ summary: 'Renumber the chapters 1..n in the order of `ids` (all of them)' })
  reorderChapters(
    @WorkspaceId() ws: string,
    @Param('id', StrategyId) id: string,
    @ZodBody(ReorderRequestSchema) body: ReorderRequest,
  ): Promise<Page<Chapter>> {
    return this.chapters.reorder(ws, id, body.ids);
  }
}

@ApiTags(tag)
@CanRead()
@Controller('chapters')
export class ChaptersController {
  constructor(
    private readonly chapters: ChaptersService,
    private readonly entries: StoryEntriesService,
  ) {}

  @Get(':id')
  @ApiResult(ChapterSchema)
  get(@WorkspaceId() ws: string, @Param('id', ChapterId) id: string): Promise<Chapter> {
    return this.chapters.get(ws, id);
  }

  @Patch(':id')
  @ApiResult(ChapterSchema)
  @CanWrite()
  @ApiOperation({ summary: 'Change a chapter; a new `number` moves it (the others shift)' })
  update(
    @WorkspaceId() ws: string,
    @Param('id', ChapterId) id: string,
    @ZodBody(UpdateChapterRequestSchema) body: UpdateChapterRequest,
  ): Promise<Chapter> {
    return this.chapters.update(ws, id, body);
  }

  @Delete(':id')
  @CanDelete()
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiOperation({ summary: 'Delete a chapter and its story entries; later chapters move up' })
  async remove(@WorkspaceId() ws: string, @Param('id', ChapterId) id: string): Promise<void> {
    await this.chapters.remove(ws, id);
  }

  @Get(':id/story-entries')
  @ApiPageResult(StoryEntryDtoSchema)
  @ApiOperation({ summary: 'Story entries of a chapter, by week' })
  listEntries(
    @WorkspaceId() ws: string,
    @Param('id', ChapterId) id: string,
    @ZodQuery(ContentPageQuerySchema) page: ContentPageQuery,
  ): Promise<Page<StoryEntryDto>> {
    return this.entries.list(ws, id, page);
  }

  @Post(':id/story-entries')
  @ApiResult(StoryEntryDtoSchema, 201)
  @CanWrite()
  @ApiOperation({
    summary: 'Add a story entry at `weekNumber` (the following ones shift) or at the end',
  })
  createEntry(
    @WorkspaceId() ws: string,
    @Param('id', ChapterId) id: string,
    @ZodBody(CreateStoryEntryRequestSchema) body: CreateStoryEntryRequest,
  ): Promise<StoryEntryDto> {
    return this.entries.create(ws, id, body);
  }

  @Put(':id/story-entries/order')
  @ApiPageResult(StoryEntryDtoSchema)
  @CanWrite()
  @ApiOperation({ summary: 'Renumber the weeks 1..n in the order of `ids` (all of them)' })
  reorderEntries(
    @WorkspaceId() ws: string,
    @Param('id', ChapterId) id: string,
    @ZodBody(ReorderRequestSchema) body: ReorderRequest,
  ): Promise<Page<StoryEntryDto>> {
    return this.entries.reorder(ws, id, body.ids);
  }
}

@ApiTags(tag)
@CanRead()
@Controller('story-entries')
export class StoryEntriesController {
  constructor(private readonly entries: StoryEntriesService) {}

  @Get('next')
  @ApiResult(NextStoryEntrySchema)
  @ApiOperation({ summary: 'What is next to write: the first planned entry of the workspace' })
  next(@WorkspaceId() ws: string): Promise<NextStoryEntry> {
    return this.entries.next(ws);
  }

  @Get(':id')
  @ApiResult(StoryEntryDtoSchema)
  get(@WorkspaceId() ws: string, @Param('id', EntryId) id: string): Promise<StoryEntryDto> {
    return this.entries.get(ws, id);
  }

  @Patch(':id')
  @ApiResult(StoryEntryDtoSchema)
  @CanWrite()
  @ApiOperation({ summary: 'Change a story entry; a new `weekNumber` moves it (the others shift)' })
  update(
    @WorkspaceId() ws: string,
    @Param('id', EntryId) id: string,
    @ZodBody(UpdateStoryEntryRequestSchema) body: UpdateStoryEntryRequest,
  ): Promise<StoryEntryDto> {
    return this.entries.update(ws, id, body);
  }

  @Delete(':id')
  @CanDelete()
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@WorkspaceId() ws: string, @Param('id', EntryId) id: string): Promise<void> {
    await this.entries.remove(ws, id);
  }
}

export class GoalsController extends CrudController({
  path: 'goals',
  tag,
  what: 'goal',
  create: CreateGoalRequestSchema,
  update: UpdateGoalRequestSchema,
  dto: GoalSchema,
  listQuery: ContentPageQuerySchema.extend({
    strategyId: z.string().uuid().optional(),
    status: GoalStatusSchema.optional(),
  }),
  service: GoalsService,
}) {}
