import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Type,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ContentPageQuerySchema, Page } from '@postmagiq/contracts';
import { uuidOr404, ZodBody, ZodQuery } from '@postmagiq/platform';
import { z } from 'zod';
import { CanDelete, CanRead, CanWrite, WorkspaceId } from './access';
import { ApiPageResult, ApiResult } from './openapi';
import type { WorkspaceCrudService, WorkspaceRow } from './workspace-crud.service';

export interface CrudControllerOptions {
  /** Route below /api, e.g. `characters`. */
  path: string;
  /** OpenAPI tag. */
  tag: string;
  /** Singular noun for 404s and summaries. */
  what: string;
  create: z.ZodType;
  update: z.ZodType;
  /** What the routes answer (documented in OpenAPI). */
  dto: z.ZodType;
  /** Query of the list (pagination plus filters); defaults to pagination only. */
  listQuery?: z.ZodObject;
  service: Type<WorkspaceCrudService<WorkspaceRow, unknown, unknown, unknown>>;
}

/**
 * The five routes of a plain workspace-owned resource, with the same guards everywhere: list and
 * get need content:read, create and update content:write (editor+), delete content:delete (admin+).
 * Subclass the result to add routes: `class XController extends CrudController({...}) {}`.
 */
export function CrudController(o: CrudControllerOptions) {
  const Id = uuidOr404(o.what);

  @ApiTags(o.tag)
  @CanRead()
  @Controller(o.path)
  class ResourceController {
    constructor(
      @Inject(o.service)
      readonly service: WorkspaceCrudService<WorkspaceRow, unknown, unknown, unknown>,
    ) {}

    @Get()
    @ApiPageResult(o.dto)
    @ApiOperation({ summary: `List ${o.what}s of the workspace (paginated)` })
    list(
      @WorkspaceId() ws: string,
      @ZodQuery(o.listQuery ?? ContentPageQuerySchema) page: z.infer<typeof ContentPageQuerySchema>,
    ): Promise<Page<unknown>> {
      return this.service.list(ws, page);
    }

    @Get(':id')
    @ApiResult(o.dto)
    get(@WorkspaceId() ws: string, @Param('id', Id) id: string): Promise<unknown> {
      return this.service.get(ws, id);
    }

    @Post()
    @CanWrite()
    @ApiResult(o.dto, 201)
    @ApiOperation({ summary: `Create a ${o.what}` })
    create(@WorkspaceId() ws: string, @ZodBody(o.create) body: unknown): Promise<unknown> {
      return this.service.create(ws, body);
    }

    @Patch(':id')
    @CanWrite()
    @ApiResult(o.dto)
    @ApiOperation({ summary: `Change fields of a ${o.what}` })
    update(
      @WorkspaceId() ws: string,
      @Param('id', Id) id: string,
      @ZodBody(o.update) body: unknown,
    ): Promise<unknown> {
      return this.service.update(ws, id, body);
    }

    @Delete(':id')
    @CanDelete()
    @HttpCode(204)
    @ApiNoContentResponse()
    async remove(@WorkspaceId() ws: string, @Param('id', Id) id: string): Promise<void> {
      await this.service.remove(ws, id);
    }
  }
  return ResourceController;
}
