import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

/** Previous / next over an offset-paginated list (`total`, `limit`, `offset` as the API answers). */
@Component({
  selector: 'pm-pager',
  imports: [MatButtonModule],
  template: `
    @if (total() > limit()) {
      <nav class="pager" aria-label="Pages">
        <button
          mat-stroked-button
          type="button"
          [disabled]="offset() === 0"
          (click)="go(offset() - limit())"
        >
          Previous
        </button>
        <span>{{ from() }}–{{ to() }} of {{ total() }}</span>
        <button
          mat-stroked-button
          type="button"
          [disabled]="to() >= total()"
          (click)="go(offset() + limit())"
        >
          Next
        </button>
      </nav>
    }
  `,
  styles: `
    .pager {
      display: flex;
      gap: 12px;
      align-items: center;
      margin-top: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PagerComponent {
  readonly total = input.required<number>();
  readonly limit = input.required<number>();
  readonly offset = input.required<number>();
  readonly offsetChange = output<number>();
  protected readonly from = computed(() => Math.min(this.total(), this.offset() + 1));
  protected readonly to = computed(() => Math.min(this.total(), this.offset() + this.limit()));

  protected go(offset: number): void {
    this.offsetChange.emit(Math.max(0, offset));
  }
}
