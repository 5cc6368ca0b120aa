import { MigrationInterface, QueryRunner } from 'typeorm';

/** The Stripe payment behind a grant, so a refund or dispute of it takes the credit back. */
export class GrantPayment1796400000000 implements MigrationInterface {
  name = 'GrantPayment1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "billing"."credit_grants" ADD "stripe_payment_intent" character varying(255)`,
    );
    await queryRunner.query(
      `CREATE INDEX "credit_grants_payment_idx" ON "billing"."credit_grants" ("stripe_payment_intent") WHERE stripe_payment_intent IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "billing"."credit_grants_payment_idx"`);
    await queryRunner.query(
      `ALTER TABLE "billing"."credit_grants" DROP COLUMN "stripe_payment_intent"`,
    );
  }
}
