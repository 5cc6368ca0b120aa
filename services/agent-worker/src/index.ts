/** What the standalone process composes (future alias `@postmagiq/agent-worker`). */
export { AgentWorkerModule } from './agent-worker.module';
export { AgentWorkerService } from './processing/agent-worker.service';
export { RedisSessionStore } from './sessions/redis-session-store';
/** The environment variables an agent worker reads (checked against .env.example). */
export { agentWorkerEnv } from './config/agent-worker.config';
