// Test doubles for @postmagiq/agents and the services built on it: fake vendor servers that speak
// each vendor's wire format on 127.0.0.1, task fixtures, and the adapter conformance suite.
export * from './fake-vendor-server';
export * from './fake-anthropic-server';
export * from './fake-gemini-server';
export * from './fake-openai-server';
export * from './fake-ollama-server';
export * from './agent-task.fixture';
export * from './adapter-conformance';
