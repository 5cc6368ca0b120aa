export * from './agent-job.schema';
export * from './agent-usage.schema';
export * from './agent-token.schema';
