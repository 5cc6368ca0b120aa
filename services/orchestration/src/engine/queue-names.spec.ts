import { agentCallId, AGENT_QUEUES } from '@postmagiq/contracts';
import { ALL_AGENT_QUEUES, jobIdOfKey, STEPS_QUEUE, stepJobId } from './queue-names';

describe('queue names and job ids', () => {
  it('reads the job id back from a BullMQ job key, whatever the queue name holds', () => {
    const runId = '0b9c1a52-5a4e-4c36-9d0b-3a1f7b2c9e10';
    expect(
      jobIdOfKey(`pmq:${AGENT_QUEUES.simulated}:${agentCallId(runId, 3, 'writer_claude')}`),
    ).toBe(`${runId}.3.writer_claude`);
    expect(jobIdOfKey(`pmq:${STEPS_QUEUE}:${stepJobId(runId, 3)}`)).toBe(`${runId}.3.step`);
  });

  it('listens to every backend queue and never puts a colon in an id (BullMQ refuses it)', () => {
    expect(ALL_AGENT_QUEUES).toEqual([
      'agents.claude',
      'agents.gemini',
      'agents.openai',
      'agents.ollama',
      'agents.simulated',
    ]);
    expect(stepJobId('r', 0)).not.toContain(':');
  });
});
