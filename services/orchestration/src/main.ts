/*
 * The orchestration service as its own deployment (Kubernetes): HTTP + the run WebSocket on PORT,
 * the steps worker on BullMQ, events on NATS. Several replicas share the work.
 * run: node -r @swc-node/register services/orchestration/src/main.ts  (SWC_NODE_PROJECT=tsconfig.base.json)
 */
import 'reflect-metadata';
import { serve } from '@postmagiq/platform';
import { OrchestrationAppModule } from './orchestration-app.module';

serve(OrchestrationAppModule.forRoot(), { title: 'Postmagiq orchestration' });
