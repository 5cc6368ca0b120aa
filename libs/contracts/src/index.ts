export * from './agent-task.schema';
export * from './agent.schema';
export * from './audit-result.schema';
export * from './lint-finding.schema';
export * from './run-event.schema';
export * from './story-entry.schema';
export * from './voice-profile.schema';
