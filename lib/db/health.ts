import { redactSecrets } from '../config/redact';
import { getStore } from './store';

export interface StoreHealth {
  status: 'ok' | 'unavailable';
  store: { provider: string | null; reachable: boolean; error?: string };
  plan: string | null;
  checkedAt: string;
}

export async function checkStoreHealth(): Promise<StoreHealth> {
  const checkedAt = new Date().toISOString();
  try {
    const store = await getStore();
    await store.db.plan.count();
    return {
      status: 'ok',
      store: { provider: store.location.provider, reachable: true },
      plan: store.plan.id,
      checkedAt,
    };
  } catch (error) {
    return {
      status: 'unavailable',
      store: {
        provider: null,
        reachable: false,
        error: redactSecrets(error instanceof Error ? error.message : String(error)),
      },
      plan: null,
      checkedAt,
    };
  }
}
