export * from './run-context.schema';
