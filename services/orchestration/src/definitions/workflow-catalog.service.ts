import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  WorkflowDefinitionDetail,
  WorkflowDefinitionSummary,
  WorkflowDiagnostic,
} from '@postmagiq/contracts';
import { Principal, Problems, ProblemException, ProblemTypes } from '@postmagiq/platform';
import { loadPromptLibrary } from '@postmagiq/prompts';
import {
  Diagnostic,
  formatDiagnostic,
  parseWorkflow,
  WorkflowDefinition,
} from '@postmagiq/workflow-engine';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ORCHESTRATION_CONFIG, OrchestrationConfig } from '../config/orchestration.config';
import { ORCHESTRATION_DB, WorkflowDefinitionEntity } from '../entities';

/** The quality gates this service runs (the `quality_gate:` names a definition may use). */
export const QUALITY_GATE_NAMES: ReadonlySet<string> = new Set(['post_lint']);

interface BuiltIn {
  source: string;
  file: string;
  definition: WorkflowDefinition;
  warnings: Diagnostic[];
}

/** A definition ready to run, with where it came from. */
export interface ResolvedWorkflow {
  definition: WorkflowDefinition;
  builtIn: boolean;
}

/**
 * Workflow definitions: the built-in ones read from WORKFLOWS_DIR at boot (a broken one stops the
 * service, naming file and line), and each workspace's own, validated with the engine's
 * diagnostics on upload. A workspace's definition shadows a built-in one of the same name.
 */
@Injectable()
export class WorkflowCatalogService implements OnModuleInit {
  private readonly logger = new Logger('WorkflowCatalog');
  private readonly builtIns = new Map<string, BuiltIn>();
  private personas: ReadonlySet<string> = new Set();

  constructor(
    @Inject(ORCHESTRATION_CONFIG) private readonly config: OrchestrationConfig,
    @InjectDataSource(ORCHESTRATION_DB) private readonly ds: DataSource,
  ) {}

  onModuleInit(): void {
    this.personas = new Set(loadPromptLibrary(resolve(this.config.PROMPTS_DIR)).personas.keys());
    const dir = resolve(this.config.WORKFLOWS_DIR);
    const files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    const problems: string[] = [];
    for (const file of files) {
      const path = join(dir, file);
      const source = readFileSync(path, 'utf8');
      const outcome = this.parse(source, join(this.config.WORKFLOWS_DIR, file));
      if (!outcome.ok) {
        problems.push(...outcome.errors.map(formatDiagnostic));
        continue;
      }
      this.builtIns.set(outcome.definition.name, {
        source,
        file: basename(file),
        definition: outcome.definition,
        warnings: outcome.warnings,
      });
    }
    if (problems.length > 0)
      throw new Error(`invalid built-in workflow definitions:\n${problems.join('\n')}`);
    this.logger.log(`built-in workflows: ${[...this.builtIns.keys()].join(', ') || 'none'}`);
  }

  parse(source: string, file: string) {
    return parseWorkflow(source, {
      file,
      personas: this.personas,
      qualityGates: QUALITY_GATE_NAMES,
    });
  }

  /** The definition a run of `name` uses in this workspace: its own first, then the built-in one. */
  async resolve(workspaceId: string, name: string): Promise<ResolvedWorkflow | null> {
    const own = await this.repo().findOne({ where: { workspaceId, name } });
    if (own) return { definition: own.definition, builtIn: false };
    const builtIn = this.builtIns.get(name);
    return builtIn ? { definition: builtIn.definition, builtIn: true } : null;
  }

  async list(workspaceId: string): Promise<WorkflowDefinitionSummary[]> {
    const own = await this.repo().find({ where: { workspaceId }, order: { name: 'ASC' } });
    const ownNames = new Set(own.map((d) => d.name));
    const builtIns = [...this.builtIns.values()]
      .filter((b) => !ownNames.has(b.definition.name))
      .map((b) => summarize(b.definition, true, b.warnings, null));
    const custom = own.map((d) => summarize(d.definition, false, this.warningsOf(d), d.updatedAt));
    return [...builtIns, ...custom].sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(workspaceId: string, name: string): Promise<WorkflowDefinitionDetail> {
    const own = await this.repo().findOne({ where: { workspaceId, name } });
    if (own)
      return {
        ...summarize(own.definition, false, this.warningsOf(own), own.updatedAt),
        source: own.source,
      };
    const builtIn = this.builtIns.get(name);
    if (!builtIn) throw Problems.notFound('workflow');
    return {
      ...summarize(builtIn.definition, true, builtIn.warnings, null),
      source: builtIn.source,
    };
  }

  /** Creates or replaces the workspace's workflow named in the YAML; 400 lists every problem with its line. */
  async save(
    p: Principal,
    source: string,
    expectedName?: string,
  ): Promise<{ detail: WorkflowDefinitionDetail; created: boolean }> {
    const outcome = this.parse(source, 'workflow.yaml');
    if (!outcome.ok) throw invalidDefinition(outcome.errors, outcome.warnings);
    const { definition } = outcome;
    if (expectedName !== undefined && definition.name !== expectedName) {
      throw Problems.validation([
        {
          field: 'source',
          message: `the YAML names the workflow '${definition.name}', not '${expectedName}'`,
        },
      ]);
    }
    const repo = this.repo();
    const existing = await repo.findOne({
      where: { workspaceId: p.workspaceId, name: definition.name },
    });
    if (existing) {
      await repo.update({ id: existing.id }, { source, definition });
    } else {
      await repo
        .createQueryBuilder()
        .insert()
        .values({
          id: randomUUID(),
          workspaceId: p.workspaceId,
          name: definition.name,
          source,
          definition,
          createdBy: p.userId,
        })
        .orUpdate(['source', 'definition', 'updated_at'], ['workspace_id', 'name'])
        .execute();
    }
    return { detail: await this.get(p.workspaceId, definition.name), created: !existing };
  }

  async remove(workspaceId: string, name: string): Promise<void> {
    const result = await this.repo().delete({ workspaceId, name });
    if (!result.affected) throw Problems.notFound('workflow');
  }

  /** Validates without saving (the console's editor calls it as the user types). */
  validate(source: string): {
    ok: boolean;
    errors: WorkflowDiagnostic[];
    warnings: WorkflowDiagnostic[];
  } {
    const outcome = this.parse(source, 'workflow.yaml');
    return {
      ok: outcome.ok,
      errors: outcome.ok ? [] : outcome.errors.map(toDto),
      warnings: outcome.warnings.map(toDto),
    };
  }

  private warningsOf(entity: WorkflowDefinitionEntity): Diagnostic[] {
    const outcome = this.parse(entity.source, 'workflow.yaml');
    return outcome.warnings;
  }

  private repo() {
    return this.ds.getRepository(WorkflowDefinitionEntity);
  }
}

export const WORKFLOW_INVALID_TYPE = `${ProblemTypes.validation.replace(/validation-error$/, '')}workflow-invalid`;

/** 400 problem+json listing every problem as `file:line:col: message`, with the structured list too. */
function invalidDefinition(errors: Diagnostic[], warnings: Diagnostic[]): ProblemException {
  return new ProblemException({
    type: WORKFLOW_INVALID_TYPE,
    status: 400,
    title: 'Invalid workflow definition',
    detail: errors.map(formatDiagnostic).join('\n'),
    errors: errors.map((e) => ({ field: `source:${e.line}:${e.col}`, message: e.message })),
    ...({ diagnostics: [...errors, ...warnings].map(toDto) } as object),
  });
}

function toDto(d: Diagnostic): WorkflowDiagnostic {
  return { file: d.file, line: d.line, col: d.col, message: d.message, severity: d.severity };
}

function summarize(
  definition: WorkflowDefinition,
  builtIn: boolean,
  warnings: Diagnostic[],
  updatedAt: Date | null,
): WorkflowDefinitionSummary {
  return {
    name: definition.name,
    builtIn,
    initialState: definition.initialState,
    states: Object.values(definition.states).map((s) => ({
      name: s.name,
      type: s.type,
      agents: (s.type === 'fan-out'
        ? s.agents
        : s.type === 'single' || s.type === 'orchestrator-task'
          ? [s.agent]
          : []
      ).map((a) => ({
        name: a.name,
        backend: a.backend,
        persona: a.persona,
        model: a.model ?? null,
      })),
      transitions:
        s.type === 'terminal'
          ? []
          : s.transitions.map((t) => ({ target: t.target, condition: t.condition.source })),
    })),
    limits: { ...definition.limits } as Record<string, number>,
    warnings: warnings.map(toDto),
    updatedAt: updatedAt ? updatedAt.toISOString() : null,
  };
}
