import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { WorkflowDefinitionSummary } from '@postmagiq/contracts';
import { layoutWorkflow, NODE_H, NODE_W } from './graph-layout';

/** The workflow's states as an SVG: the current state, visit counts and the loops taken. */
@Component({
  selector: 'pm-workflow-graph',
  template: `
    @if (layout(); as g) {
      <svg
        [attr.viewBox]="'0 0 ' + g.width + ' ' + g.height"
        role="img"
        [attr.aria-label]="summary()"
        preserveAspectRatio="xMinYMin meet"
        data-testid="workflow-graph"
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
          </marker>
        </defs>
        @for (e of g.edges; track e.from + '>' + e.to) {
          <path
            [attr.d]="e.path"
            class="edge"
            [class.back]="e.back"
            [class.taken]="taken().has(e.from + '>' + e.to)"
            marker-end="url(#arrow)"
          >
            <title>{{ e.from }} → {{ e.to }} when {{ e.condition }}</title>
          </path>
        }
        @for (n of g.nodes; track n.name) {
          <g
            class="node"
            [class.current]="n.name === current()"
            [class.visited]="(visits()[n.name] ?? 0) > 0"
            [attr.data-state]="n.name"
            [attr.data-visits]="visits()[n.name] ?? 0"
          >
            <rect
              [attr.x]="n.x"
              [attr.y]="n.y"
              [attr.width]="nodeW"
              [attr.height]="nodeH"
              rx="10"
            />
            <text [attr.x]="n.x + nodeW / 2" [attr.y]="n.y + 19" text-anchor="middle" class="name">
              {{ n.name }}
            </text>
            <text [attr.x]="n.x + nodeW / 2" [attr.y]="n.y + 35" text-anchor="middle" class="type">
              {{ n.type }}
            </text>
            @if ((visits()[n.name] ?? 0) > 0) {
              <circle [attr.cx]="n.x + nodeW - 4" [attr.cy]="n.y + 4" r="10" class="badge" />
              <text
                [attr.x]="n.x + nodeW - 4"
                [attr.y]="n.y + 8"
                text-anchor="middle"
                class="badge-text"
              >
                {{ visits()[n.name] }}
              </text>
            }
          </g>
        }
      </svg>
    }
  `,
  styles: `
    :host {
      display: block;
      overflow-x: auto;
    }
    svg {
      width: 100%;
      min-width: 560px;
      max-height: 320px;
    }
    .edge {
      fill: none;
      stroke: var(--mat-sys-outline);
      stroke-width: 1.5;
    }
    .edge.back {
      stroke-dasharray: 5 4;
    }
    .edge.taken {
      stroke: var(--mat-sys-primary);
      stroke-width: 2.5;
    }
    .edge.back.taken {
      stroke: var(--mat-sys-tertiary);
    }
    .arrowhead {
      fill: var(--mat-sys-outline);
    }
    .node rect {
      fill: var(--mat-sys-surface-container);
      stroke: var(--mat-sys-outline-variant);
      stroke-width: 1.5;
    }
    .node.visited rect {
      fill: var(--mat-sys-secondary-container);
    }
    .node.current rect {
      fill: var(--mat-sys-primary-container);
      stroke: var(--mat-sys-primary);
      stroke-width: 3;
    }
    .name {
      font:
        600 13px system-ui,
        sans-serif;
      fill: var(--mat-sys-on-surface);
    }
    .type {
      font:
        11px system-ui,
        sans-serif;
      fill: var(--mat-sys-on-surface-variant);
    }
    .badge {
      fill: var(--mat-sys-tertiary);
    }
    .badge-text {
      font:
        700 11px system-ui,
        sans-serif;
      fill: var(--mat-sys-on-tertiary);
    }
  `,
  host: { tabindex: '0', role: 'region', 'aria-label': 'Workflow graph, scrolls sideways' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WorkflowGraphComponent {
  readonly definition =
    input.required<Pick<WorkflowDefinitionSummary, 'initialState' | 'states'>>();
  readonly current = input<string | null>(null);
  readonly visits = input<Readonly<Record<string, number>>>({});
  /** Transitions the run has taken, as `from>to`. */
  readonly taken = input<ReadonlySet<string>>(new Set());
  protected readonly nodeW = NODE_W;
  protected readonly nodeH = NODE_H;
  protected readonly layout = computed(() => layoutWorkflow(this.definition()));
  protected readonly summary = computed(() => {
    const v = this.visits();
    const visited = Object.entries(v)
      .map(([s, n]) => `${s} ${n}×`)
      .join(', ');
    return `Workflow graph. Current state: ${this.current() ?? 'none'}. Visits: ${visited || 'none yet'}.`;
  });
}
