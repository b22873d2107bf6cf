import { NextResponse } from 'next/server';
import type { z } from 'zod';
import { errorFields, logger } from '../log/logger';

/** The one error shape of the JSON API: {"error": "what went wrong and what to do"}. */
export function jsonError(status: number, error: string, headers?: HeadersInit): NextResponse {
  return NextResponse.json({ error }, { status, headers });
}

/** Validates route input; on failure returns the 400 response to send instead. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
): { ok: true; data: z.infer<T> } | { ok: false; response: NextResponse } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const detail = result.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
  return { ok: false, response: jsonError(400, `Invalid request: ${detail}`) };
}

/** Logs an unexpected failure server-side and answers 500 without leaking internals. */
export function internalError(where: string, error: unknown): NextResponse {
  logger().error({ where, ...errorFields(error) }, `${where} failed`);
  return jsonError(500, `${where} failed: ${error instanceof Error ? error.message : 'unexpected error'}`);
}
