import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaroReceiverSimulator, type FaroReceiverSimulator } from '@/simulators/faro-receiver';
import { clientKey, handleFaroRequest } from './proxy';
import { ClientRateLimiter } from './rate-limit';
import { FaroProxyStats } from './stats';

describe('the /faro rate-limit key', () => {
  it('is the socket peer (the last hop the board itself appends) with no trusted proxy', () => {
    expect(clientKey('6.6.6.6, 10.0.0.9', 0)).toBe('10.0.0.9');
    expect(clientKey('10.0.0.9', 0)).toBe('10.0.0.9');
    expect(clientKey(undefined, 0)).toBe('unknown');
  });

  it('is the hop the configured number of trusted proxies puts there, never one further left', () => {
    // client claims 6.6.6.6; the ingress appended the real client 203.0.113.7; the board appended the ingress.
    expect(clientKey('6.6.6.6, 203.0.113.7, 10.1.0.2', 1)).toBe('203.0.113.7');
    expect(clientKey('1.1.1.1, 6.6.6.6, 203.0.113.7, 10.2.0.1, 10.1.0.2', 2)).toBe('203.0.113.7');
    // Fewer hops than proxies: the leftmost, which a trusted party wrote.
    expect(clientKey('10.1.0.2', 3)).toBe('10.1.0.2');
  });

  describe('through the proxy', () => {
    let receiver: FaroReceiverSimulator;
    beforeEach(async () => {
      receiver = await startFaroReceiverSimulator();
    });
    afterEach(() => receiver.stop());

    it('limits a client that sends a new X-Forwarded-For on every request', async () => {
      const limiter = new ClientRateLimiter(1, 5);
      const statuses: number[] = [];
      for (let n = 0; n < 20; n++) {
        const request = new Request('http://board.test/faro', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${n}` },
          body: '{"meta":{}}',
        });
        const response = await handleFaroRequest(request, {
          settings: {
            enabled: true,
            upstreamUrl: `${receiver.url}/collect`,
            maxBodyBytes: 64 * 1024,
            upstreamTimeoutMs: 2_000,
            trustedProxies: 0,
          },
          limiter,
          stats: new FaroProxyStats(),
          clientAddress: '127.0.0.1', // the socket peer
        });
        statuses.push(response.status);
      }
      expect(statuses.filter((s) => s === 429)).toHaveLength(15);
      expect(receiver.requests.length).toBeLessThanOrEqual(5);
    });
  });
});
