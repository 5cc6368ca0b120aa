import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  CreatePersonaRequest,
  Persona,
  PersonaDefaults,
  UpdatePersonaRequest,
} from '@postmagiq/contracts';
import { isUniqueViolation, Problems } from '@postmagiq/platform';
import {
  findPlaceholders,
  KNOWN_PLACEHOLDERS,
  loadPromptLibrary,
  PromptLibrary,
  unknownPlaceholders,
} from '@postmagiq/prompts';
import { DataSource, EntityManager } from 'typeorm';
import { CONTENT_CONFIG, ContentConfig } from '../config/content.config';
import { invalid, isoOf } from '../common/http';
import { WorkspaceCrudService } from '../common/workspace-crud.service';
import { CONTENT_DB, PersonaEntity } from '../entities';

/** Built-in persona templates (`prompts/`), read once at boot; absent folder = none. */
export const PROMPT_LIBRARY = Symbol('PROMPT_LIBRARY');

export function promptLibraryFactory(config: ContentConfig): PromptLibrary {
  try {
    return loadPromptLibrary(config.PROMPTS_DIR);
  } catch (e) {
    new Logger('Personas').warn(`no built-in persona templates: ${(e as Error).message}`);
    return { universalRules: '', personas: new Map() };
  }
}
export const promptLibraryProvider = {
  provide: PROMPT_LIBRARY,
  inject: [CONTENT_CONFIG],
  useFactory: promptLibraryFactory,
};

function checkPlaceholders(template: string): void {
  const unknown = unknownPlaceholders(template);
  if (unknown.length > 0) {
    throw invalid(
      'template',
      `unknown placeholder(s) ${unknown.map((p) => `{{${p}}}`).join(', ')}; known: ${KNOWN_PLACEHOLDERS.join(', ')}`,
    );
  }
}

/** Workspace persona templates overriding (or adding to) the built-in ones; placeholders checked on every write. */
@Injectable()
export class PersonasService extends WorkspaceCrudService<
  PersonaEntity,
  CreatePersonaRequest,
  UpdatePersonaRequest,
  Persona
> {
  protected readonly entity = PersonaEntity;
  protected readonly what = 'persona';
  protected override readonly order = { name: 'ASC' as const, id: 'ASC' as const };

  constructor(
    @InjectDataSource(CONTENT_DB) ds: DataSource,
    @Inject(PROMPT_LIBRARY) private readonly library: PromptLibrary,
  ) {
    super(ds);
  }

  protected toDto(e: PersonaEntity): Persona {
    return {
      id: e.id,
      name: e.name,
      description: e.description,
      template: e.template,
      placeholders: findPlaceholders(e.template),
      overridesDefault: this.library.personas.has(e.name),
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected async fromCreate(
    body: CreatePersonaRequest,
    ws: string,
    m: EntityManager,
  ): Promise<Partial<PersonaEntity>> {
    checkPlaceholders(body.template);
    if (await m.exists(PersonaEntity, { where: { workspaceId: ws, name: body.name } })) {
      throw Problems.conflict(`the workspace already has a persona named ${body.name}`);
    }
    return body;
  }

  protected applyUpdate(e: PersonaEntity, body: UpdatePersonaRequest): void {
    if (body.template !== undefined) {
      checkPlaceholders(body.template);
      e.template = body.template;
    }
    if (body.description !== undefined) e.description = body.description;
  }

  override async create(ws: string, body: CreatePersonaRequest): Promise<Persona> {
    try {
      return await super.create(ws, body);
    } catch (e) {
      if (isUniqueViolation(e, 'personas_workspace_name_key'))
        throw Problems.conflict(`the workspace already has a persona named ${body.name}`);
      throw e;
    }
  }

  async defaults(ws: string): Promise<PersonaDefaults> {
    const mine = new Set(
      (
        await this.ds
          .getRepository(PersonaEntity)
          .find({ select: { name: true }, where: { workspaceId: ws } })
      ).map((p) => p.name),
    );
    return {
      knownPlaceholders: [...KNOWN_PLACEHOLDERS],
      personas: [...this.library.personas].map(([name, template]) => ({
        name,
        template,
        placeholders: findPlaceholders(template),
        overridden: mine.has(name),
      })),
    };
  }

  /** name → template of the workspace's overrides (what a run composes with). */
  async overridesFor(ws: string): Promise<Record<string, string>> {
    const rows = await this.ds
      .getRepository(PersonaEntity)
      .find({ where: { workspaceId: ws }, order: { name: 'ASC' } });
    return Object.fromEntries(rows.map((r) => [r.name, r.template]));
  }
}
