export * from './access-token.schema';
export * from './auth.dto';
export * from './identity-events.schema';
export * from './roles.schema';
export * from './workspace.dto';
