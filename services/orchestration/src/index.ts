/** What the standalone process composes (future alias `@postmagiq/orchestration`). */
export { OrchestrationModule } from './orchestration.module';
export { RunEngine } from './engine/run-engine.service';
