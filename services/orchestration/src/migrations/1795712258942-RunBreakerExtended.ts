import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs extended before this column existed, found in their event log: a soft breaker trip is
 * followed by the run's `run.finished` (halted, extendable), and only an extension ever writes an
 * event after that (a halted run is not active: nothing else can reopen it or emit for it).
 */
export const BACKFILL_BREAKER_EXTENDED = `UPDATE "orchestration"."runs" r SET "breaker_extended" = true WHERE EXISTS (SELECT 1 FROM "orchestration"."run_events" t JOIN "orchestration"."run_events" later ON later."run_id" = t."run_id" AND later."seq" > t."seq" + 1 WHERE t."run_id" = r."id" AND t."type" = 'breaker.tripped' AND t."event"->>'soft' = 'true')`;

export class RunBreakerExtended1795712258942 implements MigrationInterface {
  name = 'RunBreakerExtended1795712258942';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "orchestration"."runs" ADD "breaker_extended" boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(BACKFILL_BREAKER_EXTENDED);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "orchestration"."runs" DROP COLUMN "breaker_extended"`);
  }
}
