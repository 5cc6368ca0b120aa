export * from './agent-job.schema';
export * from './agent-usage.schema';
