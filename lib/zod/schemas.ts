import { z } from 'zod';

/**
 * The shared zod building blocks of routes and the plan: one slug, one cell key. A cell key is
 * "<service slug>/<capability slug>", so both halves follow the slug rule.
 */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,99}$/;
export const CELL_KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,99}\/[a-z0-9][a-z0-9-]{0,99}$/;

export const slugSchema = z.string().regex(SLUG_PATTERN, 'expected a lower-case slug like "acapy-agent"');

export const cellKeySchema = z
  .string()
  .regex(CELL_KEY_PATTERN, 'expected a cell key like "acapy-agent/profiling-code" (<service>/<capability>)');

/** A whole number that JavaScript and the store hold exactly (GitHub ids and numbers). */
export const safeIntegerSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A list page's number as an address gives it (`?page=2`): a whole number from 1. */
export const pageNumberSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, 'expected a page number like 2')
  .transform(Number);
