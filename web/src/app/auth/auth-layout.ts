/** Shared look of the public (signed-out) pages. */
export const AUTH_STYLES = `
  main { max-width: 420px; margin: 48px auto; padding: 0 16px; }
  form { display: flex; flex-direction: column; gap: 4px; }
  .actions { display: flex; gap: 12px; align-items: center; margin-top: 8px; flex-wrap: wrap; }
  .notice { background: var(--mat-sys-secondary-container); color: var(--mat-sys-on-secondary-container); padding: 12px; border-radius: 8px; }
  .brand { font: var(--mat-sys-title-large); margin-bottom: 24px; }
`;
