import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import type { User } from '@/lib/auth/roles';
import { readStoreRevision } from '@/lib/db/revision';
import { readMatrix } from '@/lib/matrix/read';
import { readSignOffs } from '@/lib/matrix/sign-offs';
import { openTestStore, STORE_PROVIDERS, storeClosedIssue, type TestStore } from '@/test/stores';
import { revokeSignOff, signOff } from './sign-off';

const CELL = 'credo-ts/faro-helm'; // one criterion, "faro.enabled: false by default", proven by a sign-off
const GATE = 'gate/infrastructure'; // criterion 4 is the network-policy sign-off; 0–3 are data

const person = (subject: string, roles: User['roles'] = ['viewer', 'engineer']): User => ({
  subject,
  name: `${subject[0].toUpperCase()}${subject.slice(1)} Example`,
  groups: [],
  roles,
  via: 'oidc',
});
const erin = person('erin');
const sam = person('sam');
const ada = person('ada', ['viewer', 'engineer', 'admin']);

async function cellOf(store: TestStore, key: string) {
  const view = await readMatrix(store);
  return key.startsWith('gate/') ? view.gate! : view.rows.flatMap((r) => r.cells).find((c) => c?.key === key)!;
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
};

describe.each(STORE_PROVIDERS)('sign-off on %s', (provider) => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.destroy();
    store = undefined;
  });

  it('turns a closed cell whose only criterion needs a person into verified, shown as signed off, never as passed', async () => {
    store = await openTestStore(provider);
    await storeClosedIssue(store, CELL, { number: 7 });
    const before = await cellOf(store, CELL);
    expect(before.state).toBe('closed-unverified');
    expect(before.criteria[0]).toMatchObject({ status: 'needs-sign-off', holds: false });

    const revision = await readStoreRevision(store.db);
    await signOff(store, erin, { cellKey: CELL, criterion: 0, note: 'values.yaml reviewed', expiresAt: null });
    // The matrix is cached per store revision: a sign-off must make a new one.
    expect(await readStoreRevision(store.db)).toBeGreaterThan(revision);

    const after = await cellOf(store, CELL);
    expect(after.state).toBe('verified');
    expect(after.criteria[0]).toMatchObject({ status: 'signed-off', holds: true });
    expect(after.criteria[0].reason).toContain('Signed off by Erin Example');
    expect(after.criteria[0].reason).toContain('values.yaml reviewed');
  });

  it('refuses to sign off a criterion that data proves, an unknown criterion, and an expiry in the past', async () => {
    store = await openTestStore(provider);
    const dataProof = await refusal(signOff(store, erin, { cellKey: GATE, criterion: 0, note: '', expiresAt: null }));
    expect(dataProof.status).toBe(409);
    expect(dataProof.message).toContain('proven by data');
    const missing = await refusal(signOff(store, erin, { cellKey: GATE, criterion: 5, note: '', expiresAt: null }));
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('numbered 0 to 4');
    const unknownCell = await refusal(
      signOff(store, erin, { cellKey: 'nope/x', criterion: 0, note: '', expiresAt: null }),
    );
    expect(unknownCell.status).toBe(404);
    const past = await refusal(
      signOff(store, erin, { cellKey: GATE, criterion: 4, note: '', expiresAt: new Date(Date.now() - 1000) }),
    );
    expect(past.status).toBe(400);
    expect(await readSignOffs(store)).toEqual([]);
  });

  it('lets the signer or an admin revoke, nobody else; revoked, it stays in the history and the cell is unverified', async () => {
    store = await openTestStore(provider);
    await storeClosedIssue(store, CELL, { number: 7 });
    const signed = await signOff(store, erin, { cellKey: CELL, criterion: 0, note: 'checked', expiresAt: null });

    const other = await refusal(revokeSignOff(store, sam, signed.id));
    expect(other.status).toBe(403);
    expect(other.message).toContain('Only Erin Example, who signed it, or an admin');
    expect((await cellOf(store, CELL)).state).toBe('verified');

    const revoked = await revokeSignOff(store, ada, signed.id);
    expect(revoked).toMatchObject({ revokedBy: 'Ada Example', by: 'Erin Example' });
    const twice = await refusal(revokeSignOff(store, erin, signed.id));
    expect(twice.status).toBe(409);

    const cell = await cellOf(store, CELL);
    expect(cell.state).toBe('closed-unverified');
    expect(cell.criteria[0]).toMatchObject({ status: 'needs-sign-off', holds: false, regressed: false });
    expect(cell.criteria[0].reason).toContain('revoked by Ada Example');

    // Signed again by the same person: the newest decides, both stay in the history.
    const again = await signOff(store, erin, { cellKey: CELL, criterion: 0, note: 'again', expiresAt: null });
    await revokeSignOff(store, erin, again.id);
    const history = await readSignOffs(store, CELL);
    expect(history.map((s) => [s.note, s.revokedBy])).toEqual([
      ['again', 'Erin Example'],
      ['checked', 'Ada Example'],
    ]);
    expect((await refusal(revokeSignOff(store, ada, 'no-such-id'))).status).toBe(404);
  });

  it('holds until its expiry, then needs signing again', async () => {
    store = await openTestStore(provider);
    await storeClosedIssue(store, CELL, { number: 7 });
    const signedAt = new Date(Date.now() - 10_000);
    await signOff(
      store,
      erin,
      { cellKey: CELL, criterion: 0, note: '', expiresAt: new Date(Date.now() + 60_000) },
      signedAt,
    );
    expect((await cellOf(store, CELL)).criteria[0].status).toBe('signed-off');
    // An expired sign-off (written directly: the API refuses a past expiry).
    await store.db.signOff.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const cell = await cellOf(store, CELL);
    expect(cell.criteria[0].status).toBe('needs-sign-off');
    expect(cell.criteria[0].reason).toContain('expired');
    expect(cell.state).toBe('closed-unverified');
  });
});
