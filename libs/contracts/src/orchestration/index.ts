export * from './run-lifecycle.schema';
