import http from 'node:http';
import type { WireRequest } from './requests';

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Bodies above this go on a connection of their own: the server may answer
 * before reading them and then close the connection.
 */
const OWN_CONNECTION_ABOVE = 64 * 1024;
const CHUNK = 64 * 1024;

/**
 * Sends exactly the request given (path bytes, headers, body, chunking) over
 * node:http, which, unlike fetch, neither normalises `..` in paths nor adds
 * headers of its own beyond Host and Connection.
 */
export class FuzzClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 20_000,
  ) {}

  send(req: WireRequest): Promise<WireResponse> {
    const url = new URL(this.baseUrl);
    const ownConnection = req.chunked || (req.body?.length ?? 0) > OWN_CONNECTION_ABOVE;
    return new Promise((resolve, reject) => {
      let settled = false;
      const done = (fn: () => void) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          fn();
        }
      };
      const headers: Record<string, string> = { ...req.headers };
      if (req.body && !req.chunked) headers['Content-Length'] = String(req.body.length);
      // Explicit: node frames GET and DELETE bodies as chunked only when told to.
      if (req.body && req.chunked) headers['Transfer-Encoding'] = 'chunked';
      const r = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: req.path,
          headers,
          agent: ownConnection ? false : this.agent,
          insecureHTTPParser: false,
        },
        (res) => {
          // A server-sent event stream stays open while its job runs: its status and headers are the answer.
          if (String(res.headers['content-type']).startsWith('text/event-stream')) {
            res.destroy();
            done(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) }));
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            done(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })),
          );
          res.on('error', (err) => done(() => reject(err)));
        },
      );
      const timer = setTimeout(() => {
        r.destroy();
        done(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)));
      }, this.timeoutMs);
      r.on('error', (err: NodeJS.ErrnoException) => {
        // The server may answer (413) and close before the whole body is sent: the response still comes.
        if (err.code === 'EPIPE' || err.code === 'ECONNRESET') {
          setTimeout(() => done(() => reject(err)), 2_000);
          return;
        }
        done(() => reject(err));
      });
      if (req.body) {
        if (req.chunked) {
          for (let at = 0; at < req.body.length; at += CHUNK) r.write(req.body.subarray(at, at + CHUNK));
        } else {
          r.write(req.body);
        }
      }
      r.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
