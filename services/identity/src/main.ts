/*
 * The identity service as its own deployment (Kubernetes): HTTP on PORT, request/reply on NATS.
 * run: node -r @swc-node/register services/identity/src/main.ts  (SWC_NODE_PROJECT=tsconfig.base.json)
 */
import 'reflect-metadata';
import { serve } from '@postmagiq/platform';
import { IdentityAppModule } from './identity-app.module';

serve(IdentityAppModule.forRoot(), { title: 'Postmagiq identity', rpcQueue: 'identity' });
