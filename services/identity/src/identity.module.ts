import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { PLATFORM_ENV, ServiceDatabaseModule } from '@postmagiq/platform';
import { AdminController, FeatureFlagsController } from './admin/admin.controller';
import { AdminService } from './admin/admin.service';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { MeCache } from './auth/me-cache';
import { PasswordHasher } from './auth/password-hasher';
import { SessionService } from './auth/session.service';
import { IDENTITY_CONFIG, loadIdentityConfig } from './config/identity.config';
import { DemoAccountService } from './demo/demo-account';
import { IDENTITY_DB, IDENTITY_ENTITIES, IDENTITY_SCHEMA } from './entities';
import { OutboxService } from './events/outbox.service';
import { SigningKeysService } from './keys/signing-keys.service';
import { MAIL_QUEUE, MailProcessor, MailQueue } from './mail/mail';
import { IDENTITY_MIGRATIONS } from './migrations';
import { MembershipRpcController } from './rpc/membership.rpc';
import { InvitesController, WorkspacesController } from './workspaces/workspaces.controller';
import { WorkspacesService } from './workspaces/workspaces.service';

/**
 * The identity service as a module: booted alone by main.ts, or with the other services by the
 * standalone process. Needs PlatformModule in the same application.
 */
@Module({
  imports: [
    ServiceDatabaseModule.forService({
      name: IDENTITY_DB,
      schema: IDENTITY_SCHEMA,
      entities: IDENTITY_ENTITIES,
      migrations: IDENTITY_MIGRATIONS,
    }),
    BullModule.registerQueue({ name: MAIL_QUEUE }),
  ],
  controllers: [
    AuthController,
    WorkspacesController,
    InvitesController,
    AdminController,
    FeatureFlagsController,
    MembershipRpcController,
  ],
  providers: [
    {
      provide: IDENTITY_CONFIG,
      inject: [PLATFORM_ENV],
      useFactory: (env: NodeJS.ProcessEnv) => loadIdentityConfig(env),
    },
    SigningKeysService,
    PasswordHasher,
    SessionService,
    AuthService,
    MeCache,
    WorkspacesService,
    AdminService,
    OutboxService,
    MailQueue,
    MailProcessor,
    DemoAccountService,
  ],
  exports: [DemoAccountService, IDENTITY_CONFIG],
})
export class IdentityModule {}
