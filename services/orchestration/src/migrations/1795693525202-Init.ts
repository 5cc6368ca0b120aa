import { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795693525202 implements MigrationInterface {
  name = 'Init1795693525202';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "orchestration"."agent_calls" ("call_id" character varying(200) NOT NULL, "run_id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "seq" integer NOT NULL, "state" character varying(100) NOT NULL, "visit" integer NOT NULL, "position" integer NOT NULL, "agent" character varying(100) NOT NULL, "persona" character varying(100) NOT NULL, "requested_backend" character varying(32) NOT NULL, "queue_backend" character varying(32) NOT NULL, "job" jsonb NOT NULL, "early" boolean NOT NULL DEFAULT false, "status" character varying(16) NOT NULL, "backend" character varying(32), "model" character varying(200), "tokens_in" integer NOT NULL DEFAULT '0', "tokens_out" integer NOT NULL DEFAULT '0', "cached_tokens_in" integer NOT NULL DEFAULT '0', "cost_usd" double precision NOT NULL DEFAULT '0', "duration_ms" double precision, "simulated" boolean, "output" text, "error" text, "prompt_hash" character varying(200), "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_2d2f868fdd81cc5ff4b70204974" PRIMARY KEY ("call_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "agent_calls_run_seq_idx" ON "orchestration"."agent_calls"  ("run_id", "seq") `,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestration"."approvals" ("run_id" uuid NOT NULL, "seq" integer NOT NULL, "state" character varying(100) NOT NULL, "decision" character varying(16) NOT NULL, "text" text, "decided_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b09ff6b7979eadafbb3b0b3ade0" PRIMARY KEY ("run_id", "seq"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestration"."outbox" ("id" uuid NOT NULL, "subject" character varying(128) NOT NULL, "msg_id" character varying(200) NOT NULL, "payload" jsonb NOT NULL, "headers" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "orchestration_outbox_unpublished_idx" ON "orchestration"."outbox"  ("created_at") WHERE published_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestration"."run_events" ("run_id" uuid NOT NULL, "seq" integer NOT NULL, "type" character varying(32) NOT NULL, "event" jsonb NOT NULL, CONSTRAINT "PK_26fbe8c97f90c91b8eecbb0fe74" PRIMARY KEY ("run_id", "seq"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestration"."runs" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "story_entry_id" uuid NOT NULL, "workflow" character varying(100) NOT NULL, "definition" jsonb NOT NULL, "input" jsonb NOT NULL, "persona_overrides" jsonb NOT NULL DEFAULT '{}', "backend_overrides" jsonb NOT NULL DEFAULT '{}', "status" character varying(32) NOT NULL, "current_state" character varying(100) NOT NULL, "seq" integer NOT NULL, "dispatched_seq" integer NOT NULL DEFAULT '-1', "event_seq" integer NOT NULL DEFAULT '0', "context" jsonb NOT NULL, "pending_result" jsonb, "halt_kind" character varying(32), "reason" text, "final_post" text, "tokens_in" integer NOT NULL DEFAULT '0', "tokens_out" integer NOT NULL DEFAULT '0', "cached_tokens_in" integer NOT NULL DEFAULT '0', "cost_usd" double precision NOT NULL DEFAULT '0', "finish_count" integer NOT NULL DEFAULT '0', "started_by" uuid NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_46d6a1e257c38ba58f1a3c30836" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "runs_status_updated_idx" ON "orchestration"."runs"  ("status", "updated_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "runs_workspace_created_idx" ON "orchestration"."runs"  ("workspace_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestration"."transitions" ("run_id" uuid NOT NULL, "seq" integer NOT NULL, "from_state" character varying(100), "to_state" character varying(100) NOT NULL, "state_type" character varying(32) NOT NULL, "condition" text, "visit" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2825a61dceed3e2aad9c62bf9bf" PRIMARY KEY ("run_id", "seq"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "orchestration"."workflow_definitions" ("id" uuid NOT NULL, "workspace_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "source" text NOT NULL, "definition" jsonb NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4f92fadfc5fb722f080ceaec272" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "workflow_definitions_workspace_name_key" ON "orchestration"."workflow_definitions"  ("workspace_id", "name") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "orchestration"."workflow_definitions_workspace_name_key"`);
    await queryRunner.query(`DROP TABLE "orchestration"."workflow_definitions"`);
    await queryRunner.query(`DROP TABLE "orchestration"."transitions"`);
    await queryRunner.query(`DROP INDEX "orchestration"."runs_workspace_created_idx"`);
    await queryRunner.query(`DROP INDEX "orchestration"."runs_status_updated_idx"`);
    await queryRunner.query(`DROP TABLE "orchestration"."runs"`);
    await queryRunner.query(`DROP TABLE "orchestration"."run_events"`);
    await queryRunner.query(`DROP INDEX "orchestration"."orchestration_outbox_unpublished_idx"`);
    await queryRunner.query(`DROP TABLE "orchestration"."outbox"`);
    await queryRunner.query(`DROP TABLE "orchestration"."approvals"`);
    await queryRunner.query(`DROP INDEX "orchestration"."agent_calls_run_seq_idx"`);
    await queryRunner.query(`DROP TABLE "orchestration"."agent_calls"`);
  }
}
