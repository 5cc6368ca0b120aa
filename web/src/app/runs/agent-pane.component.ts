import {
  ChangeDetectionStrategy,
  Component,
  effect,
  ElementRef,
  input,
  viewChild,
} from '@angular/core';
import type { AgentPane } from './run-stream.store';

/**
 * One agent's streaming output. Text arrives already batched per animation frame by the store; the
 * new part is appended as a DOM text node (never HTML), and a restarted attempt replaces it all.
 */
@Component({
  selector: 'pm-agent-pane',
  template: `
    <h3>
      {{ pane().agent }} <span class="muted">· {{ pane().state }}</span>
      @if (pane().attempt > 1) {
        <span class="muted">· attempt {{ pane().attempt }}</span>
      }
      <span class="muted">· {{ pane().finished ? 'done' : 'writing…' }}</span>
    </h3>
    <pre
      class="text out"
      #out
      tabindex="0"
      role="log"
      [attr.aria-label]="'Output of ' + pane().agent"
      [attr.aria-busy]="!pane().finished"
      [attr.data-agent]="pane().agent"
    ></pre>
  `,
  styles: `
    :host {
      display: block;
    }
    .out {
      max-height: 240px;
      overflow: auto;
      padding: 8px;
      background: var(--mat-sys-surface-container-lowest);
      border-radius: 8px;
      min-height: 3em;
    }
    h3 {
      margin: 0 0 8px;
      font: var(--mat-sys-title-small);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AgentPaneComponent {
  readonly pane = input.required<AgentPane>();
  /** The call's final output (from the run's detail), shown when the stream missed part of it. */
  readonly finalOutput = input<string | null>(null);
  private readonly out = viewChild.required<ElementRef<HTMLElement>>('out');
  private rendered = '';
  private renderedCall = '';

  constructor() {
    effect(() => {
      const pane = this.pane();
      const final = this.finalOutput();
      const el = this.out().nativeElement;
      const text = pane.finished && final && final.length > pane.text.length ? final : pane.text;
      const key = `${pane.callId}#${pane.attempt}`;
      if (key === this.renderedCall && text.startsWith(this.rendered)) {
        const added = text.slice(this.rendered.length);
        if (added) el.appendChild(el.ownerDocument.createTextNode(added));
      } else {
        el.replaceChildren(el.ownerDocument.createTextNode(text));
      }
      this.rendered = text;
      this.renderedCall = key;
      el.scrollTop = el.scrollHeight;
    });
  }
}
