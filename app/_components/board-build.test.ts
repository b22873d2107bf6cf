import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoardUpdatedError, boardFetch } from './board-build';

/** A page of build `pageBuild` (none: development) whose fetch answers with `answeredBy` in x-board-build. */
function openPage(pageBuild: string | undefined, answeredBy: string | null) {
  vi.stubGlobal('document', { documentElement: { dataset: pageBuild ? { boardBuild: pageBuild } : {} } });
  const cancelled = vi.fn(async () => undefined);
  const answer = new Response('{"rows":[]}', { headers: answeredBy ? { 'x-board-build': answeredBy } : {} });
  vi.spyOn(answer.body!, 'cancel').mockImplementation(cancelled);
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => answer),
  );
  return { answer, cancelled };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('an answer to a page of the board', () => {
  it('is read when the page’s own build gave it', async () => {
    const { answer } = openPage('build-a', 'build-a');
    expect(await boardFetch('/api/matrix')).toBe(answer);
  });

  it('is not read when another build gave it: the page is told the board was updated', async () => {
    const { cancelled } = openPage('build-a', 'build-b');
    const error = await boardFetch('/api/matrix').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BoardUpdatedError);
    expect((error as BoardUpdatedError).answeredBy).toBe('build-b');
    expect(cancelled).toHaveBeenCalled();
  });

  it('is read when either side names no build (development, or an answer from a proxy in between)', async () => {
    openPage(undefined, 'build-b');
    expect((await boardFetch('/api/matrix')).ok).toBe(true);
    openPage('build-a', null);
    expect((await boardFetch('/api/matrix')).ok).toBe(true);
  });
});
