export * from './http';
export * from './postgres-server';
export * from './processes';
export * from './upgrade-probe';
