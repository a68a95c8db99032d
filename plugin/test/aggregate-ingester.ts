/**
 * A stand-in for an ingester running with PRIVACY_MODE=aggregate, on loopback. It answers
 * POST /api/v1/query with the ingester's own frame builders (@copilot-metrics/ingester/testing/stand-in):
 * a query that needs per-person rows gets `unavailableFrame`, any other one made-up figure per group.
 * The frames are the contract between the two; the mode's queries themselves are the ingester's tests.
 */
import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import { type ServerResponse, createServer } from 'node:http';
import {
  type Dimension,
  type FrameJSON,
  METRIC_INFO,
  type Notice,
  type QueryItemInput,
  type QueryRequest,
} from '@copilot-metrics/contract';
import { buildFrames, parseDay, unavailableFrame } from '@copilot-metrics/ingester/testing/stand-in';
import type { QueryResponse, QueryResult } from '../src/api';

/** The reason this stand-in gives; the ingester words its own. */
export const NOT_KEPT =
  'Per-person figures are not kept: the ingester runs with PRIVACY_MODE=aggregate, so this query has no answer.';

/** The notice of an answer with a group below the minimum group size. */
export const SMALL_GROUP_WITHHELD = 'Groups of fewer than 5 people are not shown (PRIVACY_MIN_GROUP_SIZE).';

const PER_PERSON_DIMENSIONS = ['team', 'user'];

/**
 * What aggregate mode cannot answer, as the issue and the README's "Privacy modes" list it: anything
 * grouped or filtered by person or team, and distinct people counted over a week or a month or split
 * by IDE, language, ...
 */
export function needsPerPersonRows(query: QueryItemInput): boolean {
  const metric = METRIC_INFO.get(query.metric);
  const groupBy = query.groupBy ?? 'none';
  const dimensions = [groupBy, ...Object.keys(query.filters ?? {})];
  return (
    dimensions.some((dimension) => PER_PERSON_DIMENSIONS.includes(dimension)) ||
    (metric?.aggregation === 'distinct' && ((query.interval ?? 'day') !== 'day' || groupBy !== 'none'))
  );
}

export interface AggregateIngester {
  url: string;
  token: string;
  /** `withheld`: every answer with figures also has a group below the minimum size (null, and a notice). */
  figures: 'complete' | 'withheld';
  /** POST /api/v1/query straight to the stand-in (no proxy), for the answers to compare with. */
  query(body: QueryRequest): Promise<QueryResponse>;
  stop(): Promise<void>;
}

function answer(query: QueryItemInput, from: number, figures: AggregateIngester['figures']): QueryResult {
  const metric = METRIC_INFO.get(query.metric);
  if (!metric) return { error: `unknown metric "${query.metric}"`, status: 400 };
  if (needsPerPersonRows(query)) {
    const frame = unavailableFrame({
      refId: query.refId,
      metric,
      reason: 'privacy',
      mode: 'aggregate',
      text: NOT_KEPT,
    });
    return { frames: [frame] } as QueryResult;
  }
  const withheld = figures === 'withheld';
  const notices: Notice[] = withheld ? [{ severity: 'info', text: SMALL_GROUP_WITHHELD }] : [];
  const groupBy = (query.groupBy ?? 'none') as Dimension;
  const labels = groupBy === 'none' ? [''] : ['first', 'second'];
  const value = (index: number) => (withheld && index === labels.length - 1 ? null : 10 + index);
  const common = { refId: query.refId, metric, groupBy, meta: { scope: query.scope }, notices };
  const frames: FrameJSON[] =
    query.format === 'table'
      ? buildFrames({
          ...common,
          format: 'table',
          table: labels.map((label, index) => ({ label, value: value(index) })),
        })
      : buildFrames({
          ...common,
          format: 'time_series',
          series: labels.map((label) => ({
            label,
            points: [
              { day: from, value: 10 },
              { day: from + 1, value: withheld ? null : 12 },
            ],
          })),
        });
  return { frames } as QueryResult;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

export async function startAggregateIngester(token = 'aggregate-token'): Promise<AggregateIngester> {
  const ingester: Pick<AggregateIngester, 'figures'> = { figures: 'complete' };
  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: 'wrong API token' });
    if (req.method !== 'POST' || req.url !== '/api/v1/query') {
      return send(res, 404, { error: `${req.method} ${req.url} is not answered by this stand-in` });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as QueryRequest;
    const from = parseDay(String(body.range.from).slice(0, 10))!;
    const results = Object.fromEntries(
      body.queries.map((query) => [query.refId, answer(query, from, ingester.figures)]),
    );
    send(res, 200, { results });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(ingester, {
    url,
    token,
    async query(body: QueryRequest): Promise<QueryResponse> {
      const response = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await response.json()) as QueryResponse;
    },
    async stop() {
      server.close();
      server.closeAllConnections();
      await once(server, 'close');
    },
  });
}
