export * from './http';
export * from './processes';
