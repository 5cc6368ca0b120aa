import { ParseUUIDPipe } from '@nestjs/common';
import { Problems } from '../errors/problem';

/**
 * The pipe of an `:id` route parameter: a malformed id answers 404 naming `what`, like an unknown
 * one and like another workspace's, so ids cannot be probed.
 */
export function uuidOr404(what: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => Problems.notFound(what) });
}
