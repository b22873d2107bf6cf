import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The plan's Faro pattern for each kind of service, shown on /reference/faro. Every recipe is read
 * from a file that runs or is checked, so the page cannot drift from working code:
 * - Next.js and the browser start-up are the board's own app/faro/route.ts and lib/faro/browser.ts;
 * - Express, FastAPI and Helm live in lib/faro/recipes/, and lib/faro/recipes.test.ts runs the Express
 *   router against the faro.receiver simulator, compiles the FastAPI module and checks the Helm values
 *   against the board's own chart.
 */
export interface FaroRecipe {
  id: string;
  title: string;
  appliesTo: string;
  language: string;
  /** Path of the file the code comes from, relative to the project root. */
  source: string;
  code: string;
}

export const RECIPE_FILES = {
  express: 'lib/faro/recipes/express-faro.mjs',
  fastapi: 'lib/faro/recipes/faro_proxy.py',
  nextjs: 'app/faro/route.ts',
  browser: 'lib/faro/browser.ts',
  helm: 'lib/faro/recipes/helm-values.yaml',
} as const;

const read = (file: string) => readFileSync(path.join(process.cwd(), file), 'utf8').trimEnd();

const NEXT_ROUTE_HEADER =
  '// app/faro/route.ts, as the board runs it. Copy lib/faro/{proxy,rate-limit,stats,config}.ts with it.\n';

const RECIPES: Array<Omit<FaroRecipe, 'source' | 'code'> & { id: keyof typeof RECIPE_FILES; header?: string }> = [
  {
    id: 'express',
    title: 'Express route',
    appliesTo: 'traction tenant-ui, bc-wallet-demo server, credo-ts consumers on Express',
    language: 'javascript',
  },
  { id: 'fastapi', title: 'FastAPI route', appliesTo: 'acapy-vc-authn-oidc, didwebvh-server-py', language: 'python' },
  {
    id: 'nextjs',
    title: 'Next.js route handler',
    appliesTo: 'Next.js frontends (this board)',
    language: 'typescript',
    header: NEXT_ROUTE_HEADER,
  },
  {
    id: 'browser',
    title: 'Browser SDK start-up',
    appliesTo: 'every frontend (Vue main.ts, React index.tsx, Nuxt plugin, Jinja2 script)',
    language: 'typescript',
    header: '// lib/faro/browser.ts, as the board runs it: call startFaro once, after the page is interactive.\n',
  },
  { id: 'helm', title: 'Helm values', appliesTo: 'every chart of the five Faro services', language: 'yaml' },
];

/** The recipes with their code, read from their source files. */
export function faroRecipes(): FaroRecipe[] {
  return RECIPES.map(({ header, ...recipe }) => {
    const source = RECIPE_FILES[recipe.id];
    return { ...recipe, source, code: `${header ?? ''}${read(source)}` };
  });
}
