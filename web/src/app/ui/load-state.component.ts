import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/**
 * Loading, error and empty states of a block of a page, the same everywhere: the content shows
 * only once loaded, non-empty and without error.
 */
@Component({
  selector: 'pm-load-state',
  template: `
    @if (error()) {
      <p class="error-text" role="alert">{{ errorMessage() }}</p>
    } @else if (loading()) {
      <p class="muted" role="status" aria-live="polite">Loading…</p>
    } @else if (empty()) {
      <div class="empty muted"><ng-content select="[empty]" /></div>
    } @else {
      <ng-content />
    }
  `,
  styles: `
    .empty {
      padding: 12px 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoadStateComponent {
  readonly loading = input(false);
  readonly error = input<unknown>(undefined);
  readonly empty = input(false);

  protected errorMessage(): string {
    const e = this.error();
    return e instanceof Error ? `Could not load: ${e.message}` : 'Could not load this.';
  }
}
