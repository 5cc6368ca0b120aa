import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { computeFold, DESKTOP_FOLD, LINKEDIN_MAX_CHARS, MOBILE_FOLD } from './linkedin-fold';

/** The post as LinkedIn's feed shows it, phone and desktop side by side, with the fold and the limit. */
@Component({
  selector: 'pm-linkedin-preview',
  imports: [MatButtonModule],
  template: `
    <p class="counter" [class.over]="length() > max" data-testid="char-counter">
      {{ length() }} / {{ max }} characters{{ length() > max ? ' — too long for LinkedIn' : '' }}
    </p>
    <div class="previews">
      @for (v of views(); track v.name) {
        <figure class="feed" [class]="v.name" [attr.aria-label]="v.label">
          <figcaption>
            {{ v.label }}
            <span class="muted">({{ v.fold.totalLines }} lines; fold after {{ v.lines }})</span>
          </figcaption>
          <div class="post">
            <div class="author">{{ author() }}</div>
            <p class="body" [attr.data-testid]="'preview-' + v.name">
              <span [textContent]="expanded() ? text() : v.fold.visible"></span>
              @if (v.fold.folded && !expanded()) {
                <button type="button" class="more" (click)="expanded.set(true)">…see more</button>
              }
            </p>
          </div>
        </figure>
      }
    </div>
    @if (expanded()) {
      <button mat-button type="button" (click)="expanded.set(false)">Show the fold again</button>
    }
  `,
  styles: `
    .previews {
      display: flex;
      gap: 16px;
      flex-wrap: wrap;
      align-items: flex-start;
    }
    .feed {
      margin: 0;
    }
    .feed.mobile .post {
      width: 340px;
    }
    .feed.desktop .post {
      width: 555px;
      max-width: calc(100vw - 64px);
    }
    .post {
      background: #fff;
      color: rgba(0, 0, 0, 0.9);
      border: 1px solid #d9d9d9;
      border-radius: 8px;
      padding: 12px 16px;
      font:
        14px/20px system-ui,
        -apple-system,
        'Segoe UI',
        Roboto,
        sans-serif;
      box-sizing: border-box;
    }
    .author {
      font-weight: 600;
      margin-bottom: 8px;
    }
    .body {
      white-space: pre-wrap;
      word-break: break-word;
      margin: 0;
    }
    .more {
      background: none;
      border: 0;
      padding: 0 0 0 4px;
      color: #595959;
      font: inherit;
      cursor: pointer;
    }
    .more:hover {
      text-decoration: underline;
    }
    .counter.over {
      color: var(--mat-sys-error);
      font-weight: 600;
    }
    figcaption {
      font: var(--mat-sys-label-large);
      margin-bottom: 6px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LinkedinPreviewComponent {
  readonly text = input.required<string>();
  readonly author = input('You');
  protected readonly max = LINKEDIN_MAX_CHARS;
  protected readonly expanded = signal(false);
  protected readonly length = computed(() => [...this.text()].length);
  protected readonly views = computed(() => [
    {
      name: 'mobile',
      label: 'Phone feed',
      lines: MOBILE_FOLD.lines,
      fold: computeFold(this.text(), MOBILE_FOLD),
    },
    {
      name: 'desktop',
      label: 'Desktop feed',
      lines: DESKTOP_FOLD.lines,
      fold: computeFold(this.text(), DESKTOP_FOLD),
    },
  ]);
}
