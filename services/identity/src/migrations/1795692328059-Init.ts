import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795692328059 implements MigrationInterface {
  name = 'Init1795692328059';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "identity"."feature_flags" ("key" character varying(64) NOT NULL, "description" character varying(255) NOT NULL DEFAULT '', "system_roles" text array NOT NULL DEFAULT '{}', "workspace_roles" text array NOT NULL DEFAULT '{}', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_36d0344370584b4d6a953c53a69" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "identity"."workspaces" ("id" uuid NOT NULL, "name" character varying(120) NOT NULL, "owner_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_098656ae401f3e1a4586f47fd8e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "workspaces_owner_id_idx" ON "identity"."workspaces"  ("owner_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "identity"."invites" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "email" character varying(254) NOT NULL, "role" character varying(16) NOT NULL, "token_hash" character varying(64) NOT NULL, "invited_by" uuid NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "accepted_at" TIMESTAMP WITH TIME ZONE, "accepted_by" uuid, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_aa52e96b44a714372f4dd31a0af" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "invites_workspace_id_idx" ON "identity"."invites"  ("workspace_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "invites_token_hash_key" ON "identity"."invites"  ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "identity"."users" ("id" uuid NOT NULL, "email" character varying(254) NOT NULL, "name" character varying(120) NOT NULL, "password_hash" character varying(255) NOT NULL, "role" character varying(16) NOT NULL DEFAULT 'user', "disabled_at" TIMESTAMP WITH TIME ZONE, "last_workspace_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "users_email_key" ON "identity"."users"  ("email") `,
    );
    await queryRunner.query(
      `CREATE TABLE "identity"."memberships" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "memberships_workspace_user_key" UNIQUE ("workspace_id", "user_id"), CONSTRAINT "PK_25d28bd932097a9e90495ede7b4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "memberships_user_id_idx" ON "identity"."memberships"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "identity"."outbox" ("id" uuid NOT NULL, "subject" character varying(128) NOT NULL, "payload" jsonb NOT NULL, "headers" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "outbox_unpublished_idx" ON "identity"."outbox"  ("created_at") WHERE published_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "identity"."password_resets" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "token_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4816377aa98211c1de34469e742" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "password_resets_user_id_idx" ON "identity"."password_resets"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "password_resets_token_hash_key" ON "identity"."password_resets"  ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "identity"."refresh_tokens" ("id" uuid NOT NULL, "family_id" uuid NOT NULL, "user_id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "token_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "ip_address" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "refresh_tokens_family_id_idx" ON "identity"."refresh_tokens"  ("family_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "refresh_tokens_user_id_idx" ON "identity"."refresh_tokens"  ("user_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "identity"."refresh_tokens"  ("token_hash") `,
    );
    await queryRunner.query(
      `ALTER TABLE "identity"."invites" ADD CONSTRAINT "invites_workspace_fk" FOREIGN KEY ("workspace_id") REFERENCES "identity"."workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "identity"."memberships" ADD CONSTRAINT "memberships_workspace_fk" FOREIGN KEY ("workspace_id") REFERENCES "identity"."workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "identity"."memberships" ADD CONSTRAINT "memberships_user_fk" FOREIGN KEY ("user_id") REFERENCES "identity"."users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "identity"."memberships" DROP CONSTRAINT "memberships_user_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "identity"."memberships" DROP CONSTRAINT "memberships_workspace_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "identity"."invites" DROP CONSTRAINT "invites_workspace_fk"`,
    );
    await queryRunner.query(`DROP INDEX "identity"."refresh_tokens_token_hash_key"`);
    await queryRunner.query(`DROP INDEX "identity"."refresh_tokens_user_id_idx"`);
    await queryRunner.query(`DROP INDEX "identity"."refresh_tokens_family_id_idx"`);
    await queryRunner.query(`DROP TABLE "identity"."refresh_tokens"`);
    await queryRunner.query(`DROP INDEX "identity"."password_resets_token_hash_key"`);
    await queryRunner.query(`DROP INDEX "identity"."password_resets_user_id_idx"`);
    await queryRunner.query(`DROP TABLE "identity"."password_resets"`);
    await queryRunner.query(`DROP INDEX "identity"."outbox_unpublished_idx"`);
    await queryRunner.query(`DROP TABLE "identity"."outbox"`);
    await queryRunner.query(`DROP INDEX "identity"."memberships_user_id_idx"`);
    await queryRunner.query(`DROP TABLE "identity"."memberships"`);
    await queryRunner.query(`DROP INDEX "identity"."users_email_key"`);
    await queryRunner.query(`DROP TABLE "identity"."users"`);
    await queryRunner.query(`DROP INDEX "identity"."invites_token_hash_key"`);
    await queryRunner.query(`DROP INDEX "identity"."invites_workspace_id_idx"`);
    await queryRunner.query(`DROP TABLE "identity"."invites"`);
    await queryRunner.query(`DROP INDEX "identity"."workspaces_owner_id_idx"`);
    await queryRunner.query(`DROP TABLE "identity"."workspaces"`);
    await queryRunner.query(`DROP TABLE "identity"."feature_flags"`);
  }
}
