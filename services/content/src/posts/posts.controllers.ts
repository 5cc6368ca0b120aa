import { Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  ContentPageQuery,
  ContentPageQuerySchema,
  CreatePostRequest,
  CreatePostRequestSchema,
  FinishedPost,
  FinishedPostsQuery,
  FinishedPostsQuerySchema,
  Page,
  Post as PostDto,
  PostLint,
  PostListQuery,
  PostListQuerySchema,
  PostVersion,
  SimilarPost,
  SimilarPostsQuery,
  SimilarPostsQuerySchema,
  TransitionPostRequest,
  TransitionPostRequestSchema,
  UpdatePostRequest,
  UpdatePostRequestSchema,
  PostSchema,
  PostVersionSchema,
  SimilarPostSchema,
  PostLintSchema,
  FinishedPostSchema,
} from '@postmagiq/contracts';
import {
  CurrentPrincipal,
  IntParam,
  Principal,
  uuidOr404,
  ZodBody,
  ZodQuery,
} from '@postmagiq/platform';
import type { Response } from 'express';
import { z } from 'zod';
import { CanDelete, CanRead, CanWrite, WorkspaceId } from '../common/access';
import { ApiPageResult, ApiResult } from '../common/openapi';
import { PostsService } from './posts.service';

const Id = uuidOr404('post');

@ApiTags('posts')
@CanRead()
@Controller('posts')
export class PostsController {
  constructor(private readonly posts: PostsService) {}

  @Get()
  @ApiPageResult(PostSchema)
  @ApiOperation({
    summary: 'Posts of the workspace, last changed first (filter by status or story entry)',
  })
  list(
    @WorkspaceId() ws: string,
    @ZodQuery(PostListQuerySchema) q: PostListQuery,
  ): Promise<Page<PostDto>> {
    return this.posts.list(ws, q);
  }

  @Post()
  @ApiResult(PostSchema, 201)
  @CanWrite()
  @ApiOperation({
    summary: 'Create a post by hand or from a story entry; a non-empty `content` is version 1',
  })
  create(
    @CurrentPrincipal() p: Principal,
    @ZodBody(CreatePostRequestSchema) body: CreatePostRequest,
  ): Promise<PostDto> {
    return this.posts.create(p.workspaceId, p.userId, body);
  }

  @Get(':id')
  @ApiResult(PostSchema)
  get(@WorkspaceId() ws: string, @Param('id', Id) id: string): Promise<PostDto> {
    return this.posts.get(ws, id);
  }

  @Patch(':id')
  @ApiResult(PostSchema)
  @CanWrite()
  @ApiOperation({
    summary: 'Edit; a changed `content` becomes a new version (only while draft or in review)',
  })
  update(
    @CurrentPrincipal() p: Principal,
    @Param('id', Id) id: string,
    @ZodBody(UpdatePostRequestSchema) body: UpdatePostRequest,
  ): Promise<PostDto> {
    return this.posts.update(p.workspaceId, p.userId, id, body);
  }

  @Delete(':id')
  @CanDelete()
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@WorkspaceId() ws: string, @Param('id', Id) id: string): Promise<void> {
    await this.posts.remove(ws, id);
  }

  @Post(':id/transition')
  @ApiResult(PostSchema)
  @HttpCode(200)
  @CanWrite()
  @ApiOperation({
    summary:
      'Move the status: draft → in_review → approved → published → archived (409 for any other move)',
  })
  transition(
    @WorkspaceId() ws: string,
    @Param('id', Id) id: string,
    @ZodBody(TransitionPostRequestSchema) body: TransitionPostRequest,
  ): Promise<PostDto> {
    return this.posts.transition(ws, id, body.to);
  }

  @Get(':id/versions')
  @ApiPageResult(PostVersionSchema)
  @ApiOperation({ summary: 'Every version, newest first, with who or what produced it' })
  versions(
    @WorkspaceId() ws: string,
    @Param('id', Id) id: string,
    @ZodQuery(ContentPageQuerySchema) page: ContentPageQuery,
  ): Promise<Page<PostVersion>> {
    return this.posts.versions(ws, id, page);
  }

  @Get(':id/versions/:number')
  @ApiResult(PostVersionSchema)
  version(
    @WorkspaceId() ws: string,
    @Param('id', Id) id: string,
    @IntParam('number', { min: 1 }) number: number,
  ): Promise<PostVersion> {
    return this.posts.version(ws, id, number);
  }

  @Get(':id/similar')
  @ApiResult(z.array(SimilarPostSchema))
  @ApiOperation({
    summary: 'Posts of the workspace nearest to this one (to avoid repeating yourself)',
  })
  similar(
    @WorkspaceId() ws: string,
    @Param('id', Id) id: string,
    @ZodQuery(SimilarPostsQuerySchema) q: SimilarPostsQuery,
  ): Promise<SimilarPost[]> {
    return this.posts.similar(ws, id, q.limit);
  }

  @Get(':id/lint')
  @ApiResult(PostLintSchema)
  @ApiOperation({
    summary: "The deterministic quality gates, and the distance from the post's voice calibration",
  })
  lint(@WorkspaceId() ws: string, @Param('id', Id) id: string): Promise<PostLint> {
    return this.posts.lint(ws, id);
  }

  @Get(':id/export')
  @ApiProduces('text/plain')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The post as plain text ready to paste into LinkedIn' })
  async export(
    @WorkspaceId() ws: string,
    @Param('id', Id) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const { text, fileName } = await this.posts.exportText(ws, id);
    // RFC 6266: an ASCII `filename` and, for any other title, the exact one as `filename*`
    res.attachment(fileName);
    res.type('text/plain; charset=utf-8');
    return text;
  }
}

@ApiTags('posts')
@CanRead()
@Controller('finished-posts')
export class FinishedPostsController {
  constructor(private readonly posts: PostsService) {}

  @Get()
  @ApiPageResult(FinishedPostSchema)
  @ApiOperation({
    summary:
      'The finished-post library (approved, published, archived) with filters and full-text search `q`',
  })
  list(
    @WorkspaceId() ws: string,
    @ZodQuery(FinishedPostsQuerySchema) q: FinishedPostsQuery,
  ): Promise<Page<FinishedPost>> {
    return this.posts.finished(ws, q);
  }
}
