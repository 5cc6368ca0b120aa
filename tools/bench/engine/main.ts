/**
 * bench:engine — transitions per second of the in-process workflow engine against LangGraph on
 * the same graph shape, with zero-latency agents, in one process. Rounds alternate between the
 * two so machine noise hits both alike; the figure of each side is its median round.
 */
import { buildLangGraphWorkflow, LANGGRAPH_TRANSITIONS_PER_RUN } from './langgraph-shape';
import { loadBenchDefinition, OURS_TRANSITIONS_PER_RUN, runOursOnce } from './ours-shape';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 2000);
const MAX_RUNS_PER_ROUND = 200_000;

async function round(
  runOnce: (i: number) => Promise<unknown>,
  transitionsPerRun: number,
): Promise<number> {
  const started = performance.now();
  let runs = 0;
  while (performance.now() - started < ROUND_MS && runs < MAX_RUNS_PER_ROUND) {
    await runOnce(runs);
    runs++;
  }
  const seconds = (performance.now() - started) / 1000;
  return (runs * transitionsPerRun) / seconds;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function main(): Promise<void> {
  const definition = loadBenchDefinition();
  const graph = buildLangGraphWorkflow();

  const ours = async (i: number) => {
    const transitions = await runOursOnce(definition, `bench-${i}`);
    if (transitions !== OURS_TRANSITIONS_PER_RUN)
      throw new Error(`expected ${OURS_TRANSITIONS_PER_RUN} transitions, got ${transitions}`);
  };
  const langgraph = async () => {
    const state = await graph.invoke({});
    if (state.audits !== 2 || state.revisions !== 1)
      throw new Error('LangGraph run took an unexpected path');
  };

  // Warm both JITs before measuring.
  for (let i = 0; i < 200; i++) {
    await ours(i);
    await langgraph();
  }

  const oursRounds: number[] = [];
  const langgraphRounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    oursRounds.push(await round(ours, OURS_TRANSITIONS_PER_RUN));
    langgraphRounds.push(await round(langgraph, LANGGRAPH_TRANSITIONS_PER_RUN));
  }

  const oursPerSec = Math.round(median(oursRounds));
  const langgraphPerSec = Math.round(median(langgraphRounds));
  const ratio = Number((oursPerSec / langgraphPerSec).toFixed(2));

  const rows = [
    ['engine', 'transitions/s (median)', 'rounds'],
    ['postmagiq', String(oursPerSec), oursRounds.map((v) => Math.round(v)).join(' ')],
    [
      '@langchain/langgraph',
      String(langgraphPerSec),
      langgraphRounds.map((v) => Math.round(v)).join(' '),
    ],
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  console.log(
    'bench:engine — default workflow shape (fan-out 3, audit, 1 revise, synthesize), zero-latency agents',
  );
  console.log(`${ROUNDS} alternating rounds of ${ROUND_MS} ms each\n`);
  for (const row of rows)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('   ')
        .trimEnd(),
    );
  console.log(`\nratio (postmagiq / langgraph): ${ratio}\n`);
  console.log(JSON.stringify({ oursPerSec, langgraphPerSec, ratio }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
