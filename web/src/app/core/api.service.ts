import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { z } from 'zod';
import { toApiError } from './problem';

export type Query = Record<string, string | number | boolean | null | undefined>;

function params(query: Query | undefined): HttpParams {
  let p = new HttpParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') p = p.set(k, String(v));
  }
  return p;
}

/**
 * The API as promises of parsed values: every answer goes through the contracts' zod schema, so a
 * shape the console does not expect fails loudly here instead of deep inside a template.
 */
@Injectable({ providedIn: 'root' })
export class Api {
  private readonly http = inject(HttpClient);

  get<S extends z.ZodType>(path: string, schema: S, query?: Query): Promise<z.infer<S>> {
    return this.call(schema, this.http.get<unknown>(`/api${path}`, { params: params(query) }));
  }

  post<S extends z.ZodType>(
    path: string,
    schema: S,
    body: unknown = {},
    headers?: Record<string, string>,
  ): Promise<z.infer<S>> {
    return this.call(schema, this.http.post<unknown>(`/api${path}`, body, { headers }));
  }

  patch<S extends z.ZodType>(path: string, schema: S, body: unknown): Promise<z.infer<S>> {
    return this.call(schema, this.http.patch<unknown>(`/api${path}`, body));
  }

  put<S extends z.ZodType>(path: string, schema: S, body: unknown): Promise<z.infer<S>> {
    return this.call(schema, this.http.put<unknown>(`/api${path}`, body));
  }

  /** A request whose answer has no body worth parsing (204s, 202s). */
  async send(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<void> {
    try {
      await firstValueFrom(
        this.http.request(method, `/api${path}`, { body, responseType: 'text' }),
      );
    } catch (e) {
      throw toApiError(e);
    }
  }

  async text(path: string): Promise<string> {
    try {
      return await firstValueFrom(this.http.get(`/api${path}`, { responseType: 'text' }));
    } catch (e) {
      throw toApiError(e);
    }
  }

  private async call<S extends z.ZodType>(
    schema: S,
    request: ReturnType<HttpClient['get']>,
  ): Promise<z.infer<S>> {
    let body: unknown;
    try {
      body = await firstValueFrom(request);
    } catch (e) {
      throw toApiError(e);
    }
    return schema.parse(body);
  }
}
