export * from './http';
export * from './postgres-server';
export * from './processes';
export * from './go-tools';
export * from './checks-file';
