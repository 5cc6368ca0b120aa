import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CreateGoalRequest, Goal, UpdateGoalRequest } from '@postmagiq/contracts';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { isoOf } from '../common/http';
import { assertRef, assignDefined, WorkspaceCrudService } from '../common/workspace-crud.service';
import { CONTENT_DB, GoalEntity, StrategyEntity } from '../entities';

@Injectable()
export class GoalsService extends WorkspaceCrudService<
  GoalEntity,
  CreateGoalRequest,
  UpdateGoalRequest,
  Goal
> {
  protected readonly entity = GoalEntity;
  protected readonly what = 'goal';

  constructor(@InjectDataSource(CONTENT_DB) ds: DataSource) {
    super(ds);
  }

  protected toDto(e: GoalEntity): Goal {
    return {
      id: e.id,
      strategyId: e.strategyId,
      title: e.title,
      metric: e.metric,
      targetValue: e.targetValue,
      currentValue: e.currentValue,
      dueOn: e.dueOn,
      status: e.status,
      createdAt: isoOf(e.createdAt),
      updatedAt: isoOf(e.updatedAt),
    };
  }

  protected override listWhere(query: Record<string, unknown>): FindOptionsWhere<GoalEntity> {
    return {
      ...(typeof query['strategyId'] === 'string' ? { strategyId: query['strategyId'] } : {}),
      ...(typeof query['status'] === 'string'
        ? { status: query['status'] as GoalEntity['status'] }
        : {}),
    };
  }

  protected async fromCreate(
    body: CreateGoalRequest,
    ws: string,
    m: EntityManager,
  ): Promise<Partial<GoalEntity>> {
    await assertRef(m, StrategyEntity, ws, body.strategyId, 'strategyId');
    return body;
  }

  protected async applyUpdate(
    e: GoalEntity,
    body: UpdateGoalRequest,
    m: EntityManager,
  ): Promise<void> {
    await assertRef(m, StrategyEntity, e.workspaceId, body.strategyId, 'strategyId');
    assignDefined(e, body);
  }
}
