import { basename, extname } from 'node:path';
import { StoryEntrySchema, type StoryEntry } from '@postmagiq/contracts';
import { CliError } from '../cli-error';
import { readTextFile } from './read-text-file';

/**
 * A story entry from Markdown or plain text: a leading `# Heading` is the title, otherwise the
 * first line when it is short, otherwise the file name.
 */
export function loadStory(path: string): StoryEntry {
  return parseStory(readTextFile(path, 'the story'), path);
}

export function parseStory(text: string, path: string): StoryEntry {
  const normalised = text.replace(/\r\n?/g, '\n').trim();
  if (normalised === '') throw new CliError(`the story ${path} is empty`);

  const heading = /^#{1,6}[ \t]+(.+)\n?/.exec(normalised);
  let title: string;
  let body: string;
  if (heading) {
    title = (heading[1] ?? '').trim();
    body = normalised.slice(heading[0].length).trim();
  } else {
    const [firstLine = '', ...rest] = normalised.split('\n');
    const firstIsTitle = firstLine.length <= 100 && rest.join('\n').trim() !== '';
    title = firstIsTitle ? firstLine.trim() : titleFromFileName(path);
    body = firstIsTitle ? rest.join('\n').trim() : normalised;
  }
  const parsed = StoryEntrySchema.safeParse({ title, body });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `the story ${path} is not usable: ${issue?.path.join('.') || 'story'}: ${issue?.message}`,
    );
  }
  return parsed.data;
}

function titleFromFileName(path: string): string {
  const name = basename(path, extname(path)).replace(/[-_]+/g, ' ').trim();
  return name === '' ? 'Untitled story' : name.charAt(0).toUpperCase() + name.slice(1);
}
