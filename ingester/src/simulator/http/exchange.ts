/** One request and its answer. Every answer is written to the request log that tests read. */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  authorization: boolean;
}

const MAX_LOG = 10_000;

export class Exchange {
  /** Named parts of the route's path pattern, as they appear in the URL (not decoded). */
  params: Readonly<Record<string, string>> = {};
  private parsedUrl: URL | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    private readonly log: RequestLogEntry[],
  ) {}

  /** Parsed on first use, so that a request target URL cannot parse is answered like any other error. */
  get url(): URL {
    return (this.parsedUrl ??= new URL(this.req.url ?? '/', 'http://simulator'));
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    this.send(
      status,
      {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        ...headers,
      },
      text,
    );
  }

  /** A whole answer: status, headers and an optional body. */
  send(status: number, headers?: OutgoingHttpHeaders, body?: string): void {
    this.start(status, headers);
    this.res.end(body);
  }

  /** Starts an answer whose body the caller streams. */
  start(status: number, headers?: OutgoingHttpHeaders): void {
    this.record(status);
    this.res.writeHead(status, headers);
  }

  private record(status: number): void {
    if (this.log.length >= MAX_LOG) this.log.shift();
    this.log.push({
      method: this.req.method ?? 'GET',
      path: (this.req.url ?? '').split('?')[0],
      status,
      authorization: this.req.headers.authorization !== undefined,
    });
  }
}
