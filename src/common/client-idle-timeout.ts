import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Cuts the connection of a client that stops sending its request or stops reading the response for `timeoutMs`
 * (CLIENT_IDLE_TIMEOUT; as Jetty's idle timeout, under which Atlas runs). Without it an import or export client doing
 * so held the operation lock, and with it every other import and export of the installation (409, spec P1), for as
 * long as its connection stayed open, and an export's snapshot transaction with it.
 *
 * Node's socket idle timer (`res.setTimeout`) measures time without socket activity, and a pending write that moves
 * at all counts as activity (net.Socket._onTimeout compares libuv's write queue), so a slow client that keeps reading
 * is not cut; one that stops is cut after one to two timeouts (a write that moved since it was handed over gets one
 * more period). The granularity is the kernel's: a pending write moves only once about a third of the socket's send
 * buffer is free again (measured on loopback, 4 MB buffer: ~1 MB at a time, 100 s apart for a client reading 10 KB/s),
 * hence a default of minutes rather than Jetty's 30 s.
 * The timer also fires while the server itself is busy with nothing to send (an import's batches, an export's
 * traversal, after-export hooks): the client is not at fault then, and the next write re-arms the timer.
 *
 * The socket is destroyed, not the response: the operation sees its client gone (an export is cut at its pending
 * write, an import stops at its next batch boundary) and the lock interceptor frees the lock once it has stopped.
 */
export function cutStalledClients(timeoutMs: number): (req: Request, res: Response, next: NextFunction) => void {
  const log = new Logger('ClientIdleTimeout');
  return (req, res, next) => {
    if (timeoutMs > 0) {
      // a listener of its own: without one Node destroys the socket on any idle period, a busy server's included
      res.setTimeout(timeoutMs, () => {
        const socket = req.socket;
        // the request body is still coming in (an upload is read after the lock is taken)
        const uploading = !req.complete;
        // bytes handed to the socket that the client has not accepted
        const unsent = socket.writableLength;
        if (!uploading && unsent === 0) return;
        const what = uploading ? `sent nothing more of its request (${socket.bytesRead} bytes received)` : `accepted nothing more of the response (${unsent} bytes waiting)`;
        log.warn(`${req.method} ${req.originalUrl}: the client ${what} for ${timeoutMs} ms (CLIENT_IDLE_TIMEOUT); closing the connection`);
        socket.destroy();
      });
    }
    next();
  };
}

/**
 * No limit on the time a whole request may take (Node's requestTimeout, 300 s by default): an upload of a large
 * archive that keeps coming in may take longer (8 GiB at 50 Mbit/s: 23 min; it was cut with 408 after 5 min). A
 * client that stops sending is cut by cutStalledClients instead; headers still have Node's headersTimeout (60 s).
 */
export function allowLongRequests(server: Server): void {
  server.requestTimeout = 0;
}
