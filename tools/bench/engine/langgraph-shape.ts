import { Annotation, END, START, StateGraph } from '@langchain/langgraph';

/**
 * The default workflow's shape in LangGraph: three writers in parallel from the start, an audit
 * that joins them, one revise loop back to the audit, a synthesize step, the end. Nodes do the
 * same trivial work as the zero-latency agents on our side, so both measure the engine alone.
 */
const RunState = Annotation.Root({
  drafts: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  audits: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  revisions: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
  finalPost: Annotation<string>({ reducer: (_a, b) => b, default: () => '' }),
});

export const LANGGRAPH_TRANSITIONS_PER_RUN = 6; // start→draft, draft→audit, audit→revise, revise→audit, audit→synthesize, synthesize→end

export function buildLangGraphWorkflow() {
  const writer = (name: string) => async () => ({ drafts: [`draft by ${name}`] });
  return new StateGraph(RunState)
    .addNode('writer_a', writer('a'))
    .addNode('writer_b', writer('b'))
    .addNode('writer_c', writer('c'))
    .addNode('audit', async () => ({ audits: 1 }))
    .addNode('revise', async () => ({ revisions: 1, drafts: ['revised draft'] }))
    .addNode('synthesize', async (state: typeof RunState.State) => ({
      finalPost: state.drafts.at(-1) ?? '',
    }))
    .addEdge(START, 'writer_a')
    .addEdge(START, 'writer_b')
    .addEdge(START, 'writer_c')
    .addEdge(['writer_a', 'writer_b', 'writer_c'], 'audit')
    .addConditionalEdges(
      'audit',
      (state: typeof RunState.State) => (state.revisions < 1 ? 'revise' : 'synthesize'),
      ['revise', 'synthesize'],
    )
    .addEdge('revise', 'audit')
    .addEdge('synthesize', END)
    .compile();
}
