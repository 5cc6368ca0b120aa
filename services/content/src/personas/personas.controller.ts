import { Get, Inject } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import {
  CreatePersonaRequestSchema,
  PersonaDefaults,
  UpdatePersonaRequestSchema,
  PersonaSchema,
  PersonaDefaultsSchema,
} from '@postmagiq/contracts';
import { WorkspaceId } from '../common/access';
import { CrudController } from '../common/crud.controller';
import { ApiResult } from '../common/openapi';
import { PersonasService } from './personas.service';

export class PersonasController extends CrudController({
  path: 'personas',
  tag: 'workflow personas',
  what: 'persona',
  create: CreatePersonaRequestSchema,
  update: UpdatePersonaRequestSchema,
  dto: PersonaSchema,
  service: PersonasService,
}) {
  @Inject(PersonasService) private readonly personas!: PersonasService;

  @Get('defaults')
  @ApiResult(PersonaDefaultsSchema)
  @ApiOperation({
    summary:
      'The built-in templates of prompts/, the placeholders templates may use, and which this workspace overrides',
  })
  defaults(@WorkspaceId() ws: string): Promise<PersonaDefaults> {
    return this.personas.defaults(ws);
  }
}
