import { MigrationInterface, QueryRunner } from 'typeorm';

export class RunIdempotencyKey1795704336224 implements MigrationInterface {
  name = 'RunIdempotencyKey1795704336224';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "orchestration"."runs" ADD "idempotency_key" character varying(255)`,
    );
    await queryRunner.query(`ALTER TABLE "orchestration"."runs" ADD "request_hash" character(64)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "runs_workspace_idempotency_key" ON "orchestration"."runs"  ("workspace_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "orchestration"."runs_workspace_idempotency_key"`);
    await queryRunner.query(`ALTER TABLE "orchestration"."runs" DROP COLUMN "request_hash"`);
    await queryRunner.query(`ALTER TABLE "orchestration"."runs" DROP COLUMN "idempotency_key"`);
  }
}
