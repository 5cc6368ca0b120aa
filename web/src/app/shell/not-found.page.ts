import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'pm-not-found',
  imports: [RouterLink],
  template: `
    <main class="page" id="main">
      <h1>Not found</h1>
      <p>This page does not exist, or it belongs to another workspace.</p>
      <p><a routerLink="/">Back to the dashboard</a></p>
    </main>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFoundPage {}
