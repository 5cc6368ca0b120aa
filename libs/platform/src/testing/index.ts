// @postmagiq/platform/testing: what every service's tests need, written once.
export * from './checks-file';
export * from './go-tools';
export * from './http';
export * from './nats-client';
export * from './postgres-server';
export * from './processes';
export * from './shared-infra';
export * from './spawn-service';
export * from './token-issuer';
export * from './upgrade-probe';
export * from './wait-for';
