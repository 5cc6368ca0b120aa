/**
 * A post as plain text ready to paste into LinkedIn: line breaks and blank lines kept (LinkedIn
 * shows them as typed), emoji and hashtags untouched, Markdown that LinkedIn would print literally
 * removed (`**bold**`, `__bold__`, `# heading`), Markdown bullets turned into "•", runs of blank
 * lines collapsed to one, trailing spaces dropped.
 */
export function toLinkedInText(content: string): string {
  return content
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) =>
      line
        .replace(/[ \t]+$/, '')
        .replace(/^#{1,6}\s+/, '')
        .replace(/^(\s*)[-*+]\s+/, '$1• ')
        .replace(/\*\*(.+?)\*\*/g, '$1')
        .replace(/__(.+?)__/g, '$1'),
    )
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A file name for the export: the title in lowercase words joined by dashes. */
export function exportFileName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 60);
  return `${slug || 'post'}.txt`;
}
