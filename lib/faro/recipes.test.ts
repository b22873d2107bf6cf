import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Ajv from 'ajv';
import express from 'express';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaroReceiverSimulator, type FaroReceiverSimulator } from '@/simulators/faro-receiver';
import { faroRecipes, RECIPE_FILES } from './recipes';

const root = path.resolve(__dirname, '../..');
const API_KEY = 'recipe-test-key';
const payload = JSON.stringify({
  meta: { app: { name: 'recipe-app' }, session: { id: 'recipe-session' } },
  logs: [{ message: 'from the Express recipe', level: 'info', timestamp: new Date().toISOString() }],
});

describe('/reference/faro shows each recipe from its source file', () => {
  it('carries every file verbatim, so the page is the code the tests below run', () => {
    const recipes = faroRecipes();
    expect(recipes.map((r) => r.id)).toEqual(['express', 'fastapi', 'nextjs', 'browser', 'helm']);
    for (const recipe of recipes) {
      expect(recipe.source).toBe(RECIPE_FILES[recipe.id as keyof typeof RECIPE_FILES]);
      expect(recipe.code).toContain(readFileSync(path.join(root, recipe.source), 'utf8').trimEnd());
    }
  });
});

describe('the Express recipe, run against the faro.receiver simulator', () => {
  let receiver: FaroReceiverSimulator;
  let board: string;
  let close: () => void;

  beforeAll(async () => {
    receiver = await startFaroReceiverSimulator({ apiKey: API_KEY });
    // The recipe reads its settings at import, as a service does at start-up.
    Object.assign(process.env, {
      FARO_ENABLED: 'true',
      FARO_UPSTREAM_URL: `${receiver.url}/collect`,
      FARO_API_KEY: API_KEY,
    });
    const { faroRouter } = (await import(path.join(root, RECIPE_FILES.express))) as { faroRouter: express.Router };
    const app = express();
    app.use(faroRouter);
    app.use(express.json());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    board = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(async () => {
    close?.();
    await receiver?.stop();
    for (const name of ['FARO_ENABLED', 'FARO_UPSTREAM_URL', 'FARO_API_KEY']) delete process.env[name];
  });

  it('forwards a Faro payload with the API key added server-side and only allow-listed headers', async () => {
    const answer = await fetch(`${board}/faro`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-faro-session-id': 'recipe-session', cookie: 'secret=1' },
      body: payload,
    });
    expect(answer.status).toBe(202);
    const forwarded = receiver.accepted.at(-1);
    expect(forwarded?.payload.meta?.session).toEqual({ id: 'recipe-session' });
    expect(forwarded?.headers['x-api-key']).toBe(API_KEY);
    expect(forwarded?.headers['x-faro-session-id']).toBe('recipe-session');
    expect(forwarded?.headers.cookie).toBeUndefined();
  });

  it('refuses what the board refuses: 405 for other methods, 415 for non-JSON, 413 past 1 MiB streamed', async () => {
    const before = receiver.accepted.length;
    const get = await fetch(`${board}/faro`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const plain = await fetch(`${board}/faro`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: payload,
    });
    expect(plain.status).toBe(415);
    // A chunked body has no Content-Length: the recipe must count the bytes it reads.
    const big = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(32));
        controller.close();
      },
    });
    const tooBig = await fetch(`${board}/faro`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
      duplex: 'half',
    } as RequestInit);
    expect(tooBig.status).toBe(413);
    expect(receiver.accepted.length).toBe(before);
  });

  it("passes the receiver's failure status through, so the SDK backs off as it would against Alloy", async () => {
    receiver.control.failWith(503);
    const failing = await fetch(`${board}/faro`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    receiver.control.failWith(null);
    expect(failing.status).toBe(503);
  });
});

describe('the FastAPI recipe', () => {
  it('is valid Python (compiled by the system interpreter)', () => {
    const file = path.join(root, RECIPE_FILES.fastapi);
    const python = ['python3', '/usr/bin/python3'].find((candidate) => {
      try {
        execFileSync(candidate, ['--version'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    });
    expect(python, 'python3 on PATH').toBeDefined();
    const compile = `import ast,sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])`;
    expect(() => execFileSync(python!, ['-c', compile, file], { stdio: 'pipe' })).not.toThrow();
  });
});

describe('the Helm recipe', () => {
  const recipe = readFileSync(path.join(root, RECIPE_FILES.helm), 'utf8');
  const values = recipe.slice(0, recipe.indexOf('\n# templates/'));

  it("has values the board's own chart schema accepts, with Faro off by default", () => {
    const schema = JSON.parse(readFileSync(path.join(root, 'chart/values.schema.json'), 'utf8')) as {
      properties: { faro: object };
      definitions: object;
    };
    const parsed = yaml.load(values) as { faro: { enabled: boolean } };
    const validate = new Ajv({ strict: false }).compile({ ...schema.properties.faro, definitions: schema.definitions });
    expect(validate(parsed.faro), JSON.stringify(validate.errors)).toBe(true);
    expect(parsed.faro.enabled).toBe(false);
  });

  it("quotes the chart's own template lines", () => {
    const templates = ['configmap.yaml', 'secret.yaml']
      .map((file) => readFileSync(path.join(root, 'chart/templates', file), 'utf8'))
      .join('\n');
    const lines = recipe
      .slice(recipe.indexOf('\n# templates/'))
      .split('\n')
      .filter((line) => line.includes('FARO_'));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const line of lines) expect(templates, line).toContain(line.trim());
  });
});
