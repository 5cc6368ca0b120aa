import { MigrationInterface, QueryRunner } from 'typeorm';

/** Default feature flags; an admin changes them later through /api/admin/feature-flags. */
export class SeedFeatureFlags1795692328060 implements MigrationInterface {
  name = 'SeedFeatureFlags1795692328060';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO "identity"."feature_flags" ("key", "description", "system_roles", "workspace_roles") VALUES
        ('admin-console', 'System administration area', '{owner,admin}', '{}'),
        ('team-management', 'Invite and manage workspace members', '{}', '{owner,admin}'),
        ('billing', 'Subscription and credits pages', '{}', '{owner}'),
        ('market-intelligence', 'Audience segments and calibrated voices', '{}', '{owner,admin,editor}'),
        ('visual-assets', 'Characters, scenes and image prompts', '{}', '{owner,admin,editor,viewer}')
      ON CONFLICT ("key") DO NOTHING`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DELETE FROM "identity"."feature_flags" WHERE "key" IN ('admin-console','team-management','billing','market-intelligence','visual-assets')`,
    );
  }
}
