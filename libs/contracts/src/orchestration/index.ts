export * from './run-lifecycle.schema';
export * from './workflow-definition.dto';
export * from './run.dto';
export * from './run-stream.schema';
