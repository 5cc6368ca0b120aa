/*
 * The crash suite's orchestration process: the deployment's entry point plus a StepCommitObserver
 * that SIGKILLs the process right after committing the step that wrote transition
 * KILL_AFTER_COMMIT_SEQ, before its agent jobs are dispatched (the window the recovery sweep is
 * for). Without the variable it behaves as main.ts.
 */
import 'reflect-metadata';
import { Global, Logger, Module } from '@nestjs/common';
import { serve } from '@postmagiq/platform';
import { STEP_COMMIT_OBSERVER, StepCommitObserver } from '../engine/step-commit-observer';
import { OrchestrationAppModule } from '../orchestration-app.module';

const killSeq = process.env['KILL_AFTER_COMMIT_SEQ'];

const killAfterCommit: StepCommitObserver = {
  committed(runId, transitionSeqs) {
    if (killSeq === undefined || !transitionSeqs.includes(Number(killSeq))) return;
    new Logger('CrashTest').warn(`SIGKILL after committing transition ${killSeq} of run ${runId}`);
    process.kill(process.pid, 'SIGKILL');
  },
};

@Global()
@Module({
  providers: [{ provide: STEP_COMMIT_OBSERVER, useValue: killAfterCommit }],
  exports: [STEP_COMMIT_OBSERVER],
})
class KillAfterCommitModule {}

@Module({ imports: [OrchestrationAppModule.forRoot(), KillAfterCommitModule] })
class CrashTestOrchestrationModule {}

serve(CrashTestOrchestrationModule, { title: 'Postmagiq orchestration (crash test)' });
