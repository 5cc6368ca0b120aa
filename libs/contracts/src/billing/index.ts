export * from './money.schema';
export * from './billing-messages.schema';
export * from './billing.dto';
