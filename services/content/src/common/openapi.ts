import { applyDecorators } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { pageSchema } from '@postmagiq/contracts';
import { toOpenApiSchema } from '@postmagiq/platform';
import type { z } from 'zod';

/** Documents a JSON answer with the contract's zod schema (the console's types come from the same schema). */
export const ApiResult = (schema: z.ZodType, status: 200 | 201 = 200) =>
  status === 201
    ? ApiCreatedResponse({ schema: toOpenApiSchema(schema) })
    : ApiOkResponse({ schema: toOpenApiSchema(schema) });

/** Documents a paginated list of `item`. */
export const ApiPageResult = (item: z.ZodType) =>
  applyDecorators(ApiOkResponse({ schema: toOpenApiSchema(pageSchema(item)) }));
