import { MigrationInterface, QueryRunner } from 'typeorm';

export class RunCreditExhausted1796227671253 implements MigrationInterface {
  name = 'RunCreditExhausted1796227671253';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "orchestration"."runs" ADD "credit_exhausted" boolean NOT NULL DEFAULT false`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "orchestration"."runs" DROP COLUMN "credit_exhausted"`);
  }
}
