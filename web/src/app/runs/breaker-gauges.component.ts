import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { BreakerView } from '@postmagiq/contracts';

interface Gauge {
  label: string;
  value: number;
  soft: number;
  hard: number;
  display: string;
}

/** The circuit breaker's counters against their soft and hard limits. */
@Component({
  selector: 'pm-breaker-gauges',
  template: `
    <ul class="gauges">
      @for (g of gauges(); track g.label) {
        <li>
          <span class="label">{{ g.label }}</span>
          <meter
            [value]="g.value"
            min="0"
            [max]="g.hard"
            [attr.low]="g.soft * 0.8"
            [attr.high]="g.soft"
            [attr.optimum]="0"
            [attr.aria-label]="g.label"
          >
            {{ g.display }}
          </meter>
          <span class="figure"
            >{{ g.display }} <span class="muted">(soft {{ g.soft }}, hard {{ g.hard }})</span></span
          >
        </li>
      }
    </ul>
    @if (breaker().extended) {
      <p class="muted">The soft limits were extended once for this run.</p>
    }
  `,
  styles: `
    .gauges {
      list-style: none;
      padding: 0;
      margin: 0;
      display: grid;
      gap: 8px;
    }
    li {
      display: grid;
      grid-template-columns: 9em 1fr;
      gap: 4px 12px;
      align-items: center;
    }
    meter {
      width: 100%;
      height: 14px;
    }
    .figure {
      grid-column: 2;
      font: var(--mat-sys-body-small);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BreakerGaugesComponent {
  readonly breaker = input.required<BreakerView>();
  /** The live cost, when the stream knows more than the last detail did. */
  readonly liveCostUsd = input(0);
  protected readonly gauges = computed<Gauge[]>(() => {
    const b = this.breaker();
    const maxVisits = Math.max(0, ...Object.values(b.visits));
    const cost = Math.max(b.costUsd, this.liveCostUsd());
    return [
      {
        label: 'Most visits of a state',
        value: maxVisits,
        soft: b.limits.soft.stateVisits,
        hard: b.limits.hard.stateVisits,
        display: String(maxVisits),
      },
      {
        label: 'Transitions',
        value: b.transitions,
        soft: b.limits.soft.transitions,
        hard: b.limits.hard.transitions,
        display: String(b.transitions),
      },
      {
        label: 'Minutes',
        value: b.elapsedMinutes,
        soft: b.limits.soft.runtimeMinutes,
        hard: b.limits.hard.runtimeMinutes,
        display: b.elapsedMinutes.toFixed(1),
      },
      {
        label: 'Cost (USD)',
        value: cost,
        soft: b.limits.soft.costUsd,
        hard: b.limits.hard.costUsd,
        display: `$${cost.toFixed(4)}`,
      },
    ];
  });
}
