// A small real HTTP server on 127.0.0.1 (port 0) for what a real registry cannot show: the
// headers a client sends, answers that never come, 5xx/429/401 answers. It records every
// request; `respond` decides each answer (or never answers, when it returns 'hang').
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Date.now() when the request (with its body) had arrived. */
  at: number;
}

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang' | 'headers-then-hang';

export interface RecordingServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** `respond(req, n)` gets the request and its 1-based number; an object body is sent as JSON. */
export async function recordingServer(respond: (req: RecordedRequest, n: number) => Answer): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(rec);
      const answer = respond(rec, requests.length);
      if (answer === 'hang') return void hanging.add(res);
      if (answer === 'headers-then-hang') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"id":');
        return void hanging.add(res);
      }
      const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/vnd.schemaregistry.v1+json', ...answer.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
