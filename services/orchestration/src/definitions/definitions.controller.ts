import { Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  SaveWorkflowDefinitionRequest,
  SaveWorkflowDefinitionRequestSchema,
  WorkflowDefinitionDetail,
  WorkflowDefinitionDetailSchema,
  WorkflowDefinitionSummary,
  WorkflowDiagnostic,
} from '@postmagiq/contracts';
import { CurrentPrincipal, Principal, Scopes, toOpenApiSchema, ZodBody } from '@postmagiq/platform';
import type { Response } from 'express';
import { WorkflowCatalogService } from './workflow-catalog.service';

@ApiTags('workflows')
@Controller('workflows/definitions')
export class DefinitionsController {
  constructor(private readonly catalog: WorkflowCatalogService) {}

  @Get()
  @Scopes('content:read')
  @ApiOperation({
    summary:
      'Built-in workflows and the workspace’s own (which shadow a built-in of the same name)',
  })
  list(@CurrentPrincipal() p: Principal): Promise<WorkflowDefinitionSummary[]> {
    return this.catalog.list(p.workspaceId);
  }

  @Post('validate')
  @HttpCode(200)
  @Scopes('content:read')
  @ApiOperation({ summary: 'Check a definition without saving it: every problem with its line' })
  validate(@ZodBody(SaveWorkflowDefinitionRequestSchema) body: SaveWorkflowDefinitionRequest): {
    ok: boolean;
    errors: WorkflowDiagnostic[];
    warnings: WorkflowDiagnostic[];
  } {
    return this.catalog.validate(body.source);
  }

  @Get(':name')
  @Scopes('content:read')
  get(
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
  ): Promise<WorkflowDefinitionDetail> {
    return this.catalog.get(p.workspaceId, name);
  }

  @Post()
  @Scopes('content:write')
  @ApiOperation({
    summary:
      'Save a workspace workflow (YAML); 201 when new, 200 when it replaced one; 400 lists every problem with its line',
  })
  @ApiCreatedResponse({
    description: 'saved as a new workflow',
    schema: toOpenApiSchema(WorkflowDefinitionDetailSchema),
  })
  @ApiOkResponse({
    description: 'replaced the workflow of the same name',
    schema: toOpenApiSchema(WorkflowDefinitionDetailSchema),
  })
  async create(
    @CurrentPrincipal() p: Principal,
    @ZodBody(SaveWorkflowDefinitionRequestSchema) body: SaveWorkflowDefinitionRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WorkflowDefinitionDetail> {
    const { detail, created } = await this.catalog.save(p, body.source);
    res.status(created ? 201 : 200);
    return detail;
  }

  @Put(':name')
  @Scopes('content:write')
  @ApiOperation({ summary: 'Replace (or create) the workspace workflow of this name' })
  async replace(
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @ZodBody(SaveWorkflowDefinitionRequestSchema) body: SaveWorkflowDefinitionRequest,
  ): Promise<WorkflowDefinitionDetail> {
    return (await this.catalog.save(p, body.source, name)).detail;
  }

  @Delete(':name')
  @HttpCode(204)
  @Scopes('content:delete')
  async remove(@CurrentPrincipal() p: Principal, @Param('name') name: string): Promise<void> {
    await this.catalog.remove(p.workspaceId, name);
  }
}
