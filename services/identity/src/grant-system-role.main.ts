/*
 * The operator's way to the first system owner when identity runs alone (Kubernetes), where no
 * demo account is created: `npm run identity:grant-role -- <email> [owner|admin|user]` (or
 * `SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register
 * services/identity/src/grant-system-role.main.ts …`) with the service's environment, e.g. through
 * `kubectl exec deploy/identity -- …`.
 * The account must exist (register it first). Runs the migrations like the service, changes the
 * role, ends the account's sessions when it is a demotion, and exits. It needs DATABASE_URL: the
 * embedded Postgres belongs to the process that started it (the one-machine stack, whose demo
 * account is already an owner and can use the API), and a second process must not open its data.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { EmailSchema, SystemRoleSchema } from '@postmagiq/contracts';
import { ConfigError } from '@postmagiq/platform';
import { AdminService } from './admin/admin.service';
import { IdentityAppModule } from './identity-app.module';

const USAGE = 'usage: grant-system-role <email> [owner|admin|user]   (default owner)';

async function main(argv: string[]): Promise<void> {
  const email = EmailSchema.safeParse(argv[0] ?? '');
  const role = SystemRoleSchema.safeParse(argv[1] ?? 'owner');
  if (!email.success)
    throw new UsageError(`the email '${argv[0] ?? ''}' is not a valid email address\n${USAGE}`);
  if (!role.success)
    throw new UsageError(`the role '${argv[1]}' is not one of owner, admin, user\n${USAGE}`);
  if (!process.env['DATABASE_URL']) {
    throw new UsageError(
      "DATABASE_URL is not set: run this with the identity service's environment. (On the one-machine " +
        'stack, log in as the demo account, a system owner, and use PUT /api/admin/users/:id/role.)',
    );
  }
  const app = await NestFactory.createApplicationContext(IdentityAppModule.forRoot(), {
    logger: ['error', 'warn'],
  });
  try {
    const user = await app.get(AdminService).grantSystemRole(email.data, role.data);
    process.stdout.write(`${user.email} is now system ${user.role}\n`);
  } finally {
    await app.close();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((e: unknown) => {
  const known = e instanceof ConfigError || e instanceof UsageError;
  const problem = (e as { problem?: { detail?: string } })?.problem?.detail;
  process.stderr.write(
    `${known ? (e as Error).message : (problem ?? (e as Error)?.stack ?? String(e))}\n`,
  );
  process.exit(1);
});
