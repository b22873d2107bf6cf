/**
 * Lets the event loop run what waits (requests, timers, I/O) before going on: long in-process work such as
 * a sync's merge calls it between its parts, so a health probe or a page read is never held behind it.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
