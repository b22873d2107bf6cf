import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMigrations } from './migrate';

const schema = (provider: string) =>
  readFileSync(path.resolve(__dirname, `../../prisma/${provider}/schema.prisma`), 'utf8');

describe('the two Prisma schemas', () => {
  it('differ only in provider and generated output', () => {
    const normalise = (text: string) =>
      text
        .replace(/provider = "(sqlite|postgresql)"/, 'provider = "<db>"')
        .replace(/generated\/(sqlite|postgresql)/, 'generated/<db>');
    expect(normalise(schema('postgresql'))).toBe(normalise(schema('sqlite')));
  });

  it('have the same migrations, by name, for both providers', () => {
    expect(readMigrations('postgresql').map((m) => m.name)).toEqual(readMigrations('sqlite').map((m) => m.name));
  });
});
