import { MigrationInterface, QueryRunner } from 'typeorm';

export class RunPausedTime1795695460054 implements MigrationInterface {
  name = 'RunPausedTime1795695460054';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "orchestration"."runs" ADD "paused_ms" double precision NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "orchestration"."runs" ADD "awaiting_since" TIMESTAMP WITH TIME ZONE`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "orchestration"."runs" DROP COLUMN "awaiting_since"`);
    await queryRunner.query(`ALTER TABLE "orchestration"."runs" DROP COLUMN "paused_ms"`);
  }
}
