/**
 * The faro.receiver simulator in a process of its own, for the benchmarks: in the load generator's
 * process its answers would wait behind autocannon's work and be charged to the board's proxy.
 * Prints {"url": …} once listening; the receiver's own rate limit is lifted.
 */
import { startFaroReceiverSimulator } from '../../simulators/faro-receiver';

startFaroReceiverSimulator({ rateLimit: { rate: 1e9, burst: 1e9 } }).then((receiver) => {
  process.stdout.write(`${JSON.stringify({ url: receiver.url })}\n`);
  process.on('SIGTERM', () => void receiver.stop().then(() => process.exit(0)));
});
