/*
 * The content service as its own deployment (Kubernetes): HTTP on PORT, request/reply and the
 * run-finished consumer on NATS. IDENTITY_JWKS_URL must point at identity's JWKS.
 * run: node -r @swc-node/register services/content/src/main.ts  (SWC_NODE_PROJECT=tsconfig.base.json)
 */
import 'reflect-metadata';
import { serve } from '@postmagiq/platform';
import { ContentAppModule } from './content-app.module';

serve(ContentAppModule.forRoot(), { title: 'Postmagiq content', rpcQueue: 'content' });
