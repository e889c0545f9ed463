import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** The query queue inside pglite-socket's server (0.2.17): not part of its typed API. */
interface QueryQueue {
  processing: boolean;
  queue: unknown[];
  processQueue(): Promise<void>;
}

/**
 * pglite-socket 0.2.17 (the latest) runs the queries of all connections from one queue; when PGlite throws on a
 * query, the queue's loop rejects that query and returns with its `processing` flag still set, and no later query of
 * any connection ever runs: the embedded database hangs until the server restarts. This wraps the loop so that it
 * clears the flag after such a return and goes on with the queries that wait. Without the queue (another version
 * of the library) it changes nothing.
 */
export function keepQueueRunning(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (!q || typeof q.processQueue !== 'function' || typeof q.processing !== 'boolean' || !Array.isArray(q.queue)) return;
  const loop = q.processQueue.bind(q);
  q.processQueue = async (): Promise<void> => {
    if (q.processing) return; // the loop runs: it takes the new query (as the library's own guard does)
    await loop();
    if (q.processing) {
      // the loop returned from its error path
      q.processing = false;
      if (q.queue.length > 0) void q.processQueue();
    }
  };
}
