/** What the standalone process and tools compose (`@postmagiq/orchestration`). */
export { OrchestrationModule } from './orchestration.module';
export { RunEngine } from './engine/run-engine.service';
/** The README's main job through the services (log in, start, follow the stream, approve, print). */
export { mainJobOptions, runMainJob } from './demo/main-job';
export type { MainJobIo, MainJobOptions, MainJobResult } from './demo/main-job';
/** The environment variables orchestration reads besides the platform's (checked against .env.example). */
export { orchestrationEnv } from './config/orchestration.config';
