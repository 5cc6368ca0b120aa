import type { RunEvent } from '@postmagiq/contracts';
import pc from 'picocolors';
import { formatTokens, formatUsd } from './format';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface RunningAgent {
  backend: string;
  model: string;
  /** tokens streamed by the current attempt */
  tokens: number;
  attempt: number;
}

/**
 * Live progress of a run on a terminal: finished steps scroll up as log lines, running agents stay
 * in a redrawn area at the bottom with a spinner and their streamed-token count. On a stream that
 * is not a terminal it writes the log lines only, so piped output stays readable.
 */
export class ProgressView {
  private readonly running = new Map<string, RunningAgent>();
  private currentState = '';
  private tokensIn = 0;
  private tokensOut = 0;
  private costUsd = 0;
  private drawnLines = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly live = Boolean(out.isTTY),
  ) {}

  start(): void {
    if (this.live) this.timer = setInterval(() => this.redraw(), 80);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearLive();
  }

  /** Suspends the live area while something else (an approval prompt) owns the terminal. */
  pause(): void {
    this.stop();
  }

  resume(): void {
    this.start();
  }

  handle(event: RunEvent): void {
    switch (event.type) {
      case 'run.started':
        this.log(pc.bold(`▶ ${event.workflow}`) + pc.dim(` (run ${event.runId})`));
        break;
      case 'state.entered':
        this.currentState = event.state;
        this.log(
          `${pc.cyan('●')} ${pc.bold(event.state)} ${pc.dim(`${event.stateType}, visit ${event.visit}`)}`,
        );
        break;
      case 'agent.started':
        this.running.set(event.agent, {
          backend: event.backend,
          model: event.model,
          tokens: 0,
          attempt: 1,
        });
        break;
      case 'agent.token': {
        const agent = this.running.get(event.agent);
        if (!agent) break;
        // a retried stream starts the answer over: count the new attempt's tokens only
        const attempt = event.attempt ?? 1;
        if (attempt > agent.attempt) Object.assign(agent, { attempt, tokens: 0 });
        agent.tokens += 1;
        break;
      }
      case 'agent.finished': {
        this.running.delete(event.agent);
        this.tokensIn += event.tokensIn;
        this.tokensOut += event.tokensOut;
        this.costUsd += event.costUsd;
        const mark = event.error ? pc.red('✗') : pc.green('✓');
        const label = `${event.backend}/${event.model}`;
        const detail = event.error
          ? pc.red(event.error)
          : pc.dim(
              `${formatTokens(event.tokensIn)} in, ${formatTokens(event.tokensOut)} out, ${formatUsd(event.costUsd)}`,
            );
        this.log(`  ${mark} ${event.agent} ${pc.dim(label)} ${detail}`);
        break;
      }
      case 'gate.findings': {
        const errors = event.findings.filter((f) => f.severity === 'error');
        const summary =
          event.findings.length === 0
            ? pc.green('clean')
            : `${errors.length} error(s), ${event.findings.length - errors.length} other: ${event.findings
                .map((f) => f.rule)
                .join(', ')}`;
        this.log(`  ${pc.dim('gate')} ${event.gate} draft ${event.draft}: ${summary}`);
        break;
      }
      case 'transition':
        this.log(pc.dim(`  → ${event.to} (${event.condition})`));
        break;
      case 'breaker.tripped':
        this.log(
          pc.yellow(`  ⚡ circuit breaker: ${event.reason}${event.soft ? ' (soft limit)' : ''}`),
        );
        break;
      case 'approval.requested':
        this.log(pc.magenta(`  ⏸ ${event.state}: waiting for approval`));
        break;
      case 'run.finished': {
        const colour =
          event.status === 'completed' ? pc.green : event.status === 'halted' ? pc.yellow : pc.red;
        this.log(colour(`■ ${event.status}${event.reason ? `: ${event.reason}` : ''}`));
        break;
      }
    }
  }

  private log(line: string): void {
    this.clearLive();
    this.out.write(`${line}\n`);
    if (this.live) this.drawLive();
  }

  private redraw(): void {
    this.frame = (this.frame + 1) % SPINNER.length;
    this.clearLive();
    this.drawLive();
  }

  private drawLive(): void {
    const lines = [...this.running.entries()].map(
      ([name, agent]) =>
        `  ${pc.cyan(SPINNER[this.frame] ?? '')} ${name} ${pc.dim(`${agent.backend}/${agent.model}`)} ${formatTokens(agent.tokens)} tokens`,
    );
    lines.push(
      pc.dim(
        `  ${this.currentState || 'starting'} · ${formatTokens(this.tokensIn)} in · ${formatTokens(this.tokensOut)} out · ${formatUsd(this.costUsd)}`,
      ),
    );
    this.out.write(`${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  private clearLive(): void {
    if (!this.live || this.drawnLines === 0) return;
    this.out.write(`\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }
}
