import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PLATFORM_ENV, RedisService, ServiceDatabaseModule } from '@postmagiq/platform';
import { BillingClient } from './billing/billing.client';
import { CreditEventsConsumer } from './billing/credit-events.consumer';
import { RedisBreakerCounterStore } from './breaker/redis-breaker-counter-store';
import { loadOrchestrationConfig, ORCHESTRATION_CONFIG } from './config/orchestration.config';
import { RunContextClient } from './content/run-context.client';
import { DefinitionsController } from './definitions/definitions.controller';
import { WorkflowCatalogService } from './definitions/workflow-catalog.service';
import { AgentDispatcher } from './engine/agent-dispatcher.service';
import { AgentResultsListener } from './engine/agent-results.listener';
import { RecoveryService } from './engine/recovery.service';
import { RunEngine } from './engine/run-engine.service';
import { StepProcessor } from './engine/step.processor';
import { ORCHESTRATION_DB, ORCHESTRATION_ENTITIES, ORCHESTRATION_SCHEMA } from './entities';
import { RunEventsBus } from './events/run-events-bus.service';
import { RunLifecycleOutbox } from './events/run-lifecycle-outbox.service';
import { ORCHESTRATION_MIGRATIONS } from './migrations';
import { RunViewsService } from './runs/run-views.service';
import { RunsController } from './runs/runs.controller';
import { RunStreamGateway } from './stream/run-stream.gateway';

/**
 * The orchestration service as a module: booted alone by main.ts, or with the other services by
 * the standalone process. Needs PlatformModule in the same application.
 */
@Module({
  imports: [
    // route audits (listRoutes) walk the controllers through it
    DiscoveryModule,
    ServiceDatabaseModule.forService({
      name: ORCHESTRATION_DB,
      schema: ORCHESTRATION_SCHEMA,
      entities: ORCHESTRATION_ENTITIES,
      migrations: ORCHESTRATION_MIGRATIONS,
    }),
  ],
  controllers: [DefinitionsController, RunsController],
  providers: [
    {
      provide: ORCHESTRATION_CONFIG,
      inject: [PLATFORM_ENV],
      useFactory: (env: NodeJS.ProcessEnv) => loadOrchestrationConfig(env),
    },
    {
      provide: RedisBreakerCounterStore,
      inject: [RedisService],
      useFactory: (redis: RedisService) => new RedisBreakerCounterStore(redis.client),
    },
    WorkflowCatalogService,
    RunContextClient,
    BillingClient,
    CreditEventsConsumer,
    RunEventsBus,
    RunLifecycleOutbox,
    AgentDispatcher,
    RunEngine,
    StepProcessor,
    AgentResultsListener,
    RecoveryService,
    RunViewsService,
    RunStreamGateway,
  ],
  exports: [RunEngine],
})
export class OrchestrationModule {}
