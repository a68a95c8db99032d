import { createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { z } from 'zod';
import { formatDay, type DayNumber } from '../days';
import type { Pseudonymizer } from '../privacy';
import { type ReportKind, reportEndpointName } from '../reports/types';
import { type Scope, scopeKey } from '../scopes';
import { type GitHubClient, githubMessage } from './client';
import { ExpiredLinkError, GitHubError, TruncatedDownloadError, describeApiFailure } from './errors';

/**
 * Compression of the raw archive. On a 184 MB users report (the simulator's; bench/): level 3 took 433
 * ms of CPU for 12.9×, level 4 692 ms for 13.6×, level 6 1,027 ms for 17.5×. Levels 1-3 use zlib's fast
 * strategy: 37% less CPU than level 4 for a 5% larger archive, on the path every download takes.
 */
export const ARCHIVE_GZIP_LEVEL = 3;

const oneDayReport = z.object({
  download_links: z.array(z.string().url()),
  report_day: z.string().optional(),
});

export type ReportLinks = { type: 'links'; links: string[] } | { type: 'no_data' };

export function reportPath(scope: Scope, kind: ReportKind, day: DayNumber): string {
  const base =
    scope.kind === 'enterprise'
      ? `/enterprises/${encodeURIComponent(scope.slug)}`
      : `/orgs/${encodeURIComponent(scope.slug)}`;
  return `${base}/copilot/metrics/reports/${reportEndpointName(kind, scope.kind)}?day=${formatDay(day)}`;
}

/** Asks GitHub for a day's report. 204 means "no report for that day", which is not an error. */
export async function fetchReportLinks(
  client: GitHubClient,
  scope: Scope,
  kind: ReportKind,
  day: DayNumber,
): Promise<ReportLinks> {
  const what = `${reportEndpointName(kind, scope.kind)} of ${scopeKey(scope)} for ${formatDay(day)}`;
  const response = await client.call('GET', reportPath(scope, kind, day), { account: scope.slug });
  if (response.status === 204) return { type: 'no_data' };
  if (response.status !== 200) {
    throw describeApiFailure(response.status, what, scope.kind, githubMessage(response.body));
  }
  const parsed = oneDayReport.safeParse(response.body);
  if (!parsed.success) {
    throw new GitHubError(
      `GitHub's answer for ${what} is not the documented {download_links, report_day} object: ${parsed.error.issues[0]?.message ?? 'unreadable JSON'}. Check GITHUB_API_URL points at the GitHub API.`,
      200,
      true,
    );
  }
  if (parsed.data.report_day && parsed.data.report_day !== formatDay(day)) {
    throw new GitHubError(
      `GitHub returned report_day ${parsed.data.report_day} for ${what}; refusing to file it under the wrong day.`,
      200,
      true,
    );
  }
  const links = parsed.data.download_links;
  return links.length === 0 ? { type: 'no_data' } : { type: 'links', links };
}

/**
 * Watches the bytes of an NDJSON download go by, keeping only the first line and the unfinished tail,
 * to tell a cut-off transfer from a complete file at the end.
 */
class LineBoundaryWatch extends Transform {
  bytes = 0;
  private firstLine: Buffer | undefined;
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.firstLine === undefined && this.headBytes < 1 << 20) {
      const newline = chunk.indexOf(0x0a);
      if (newline >= 0) {
        this.firstLine = Buffer.concat([...this.head, chunk.subarray(0, newline)]);
        this.head = [];
      } else {
        this.head.push(chunk);
        this.headBytes += chunk.length;
      }
    }
    const last = chunk.lastIndexOf(0x0a);
    this.tail = last >= 0 ? Buffer.from(chunk.subarray(last + 1)) : Buffer.concat([this.tail, chunk]);
    callback(null, chunk);
  }

  /** Throws when the file was NDJSON and its last line is cut off. Pretty-printed JSON passes. */
  check(): void {
    const tail = this.tail.toString('utf8').trim();
    if (tail.length === 0) return;
    const first = (this.firstLine ?? Buffer.concat(this.head)).toString('utf8').trim();
    if (!parses(first)) return; // not line-delimited; the importer parses it as one document
    if (!parses(tail))
      throw new TruncatedDownloadError(`the last line (${tail.length} bytes) is incomplete JSON`);
  }
}

/** Bytes handed to the archive's gzip per write, and the size of its output chunks (default 16 KB). */
const GZIP_WRITE_BYTES = 256 << 10;
const GZIP_OUTPUT_BYTES = 64 << 10;

/**
 * Joins a download's pieces (a socket read each, ~16-64 KB) into chunks of at least `bytes` (the last
 * may be smaller). Each write to a zlib stream costs the event loop a round trip to the thread pool:
 * gzipping a 176 MB report in 16 KB writes kept the main thread busy ~250 ms, in 256 KB ones ~50 ms
 * (and its file writes ~40 ms less with 64 KB output chunks than with 16 KB ones).
 */
class Coalesce extends Transform {
  private pieces: Buffer[] = [];
  private size = 0;

  constructor(private readonly bytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pieces.push(chunk);
    this.size += chunk.length;
    if (this.size < this.bytes) return callback();
    callback(null, this.joinPieces());
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.size ? this.joinPieces() : undefined);
  }

  private joinPieces(): Buffer {
    const joined = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces, this.size);
    this.pieces = [];
    this.size = 0;
    return joined;
  }
}

/**
 * Rewrites NDJSON line by line through a pseudonymizer (PRIVACY_MODE=pseudonymous), so that the bytes
 * written to disk never hold a real login or user id. Line numbers are kept: a line that cannot be
 * parsed is replaced by a placeholder the importer reports as malformed.
 */
class ScrubLines extends Transform {
  private tail = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly pseudonyms: Pseudonymizer) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = this.tail + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.tail = lines.pop()!;
    callback(
      null,
      lines.length ? lines.map((line) => this.pseudonyms.scrubLine(line)).join('\n') + '\n' : '',
    );
  }

  override _flush(callback: TransformCallback): void {
    const rest = this.tail + this.decoder.end();
    callback(null, rest.length ? this.pseudonyms.scrubLine(rest) : '');
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Streams one report file to disk, gzip-compressed, never holding it in memory. Rejects on an
 * expired link, a transfer cut short, or a last line cut in half, so that nothing partial is stored.
 */
export async function downloadReportFile(
  client: GitHubClient,
  url: string,
  file: string,
  options: { pseudonyms?: Pseudonymizer } = {},
): Promise<{ bytes: number }> {
  const response = await client.openDownload(url);
  if (response.statusCode === 403 || response.statusCode === 404) {
    await response.body.dump();
    throw new ExpiredLinkError(response.statusCode);
  }
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new GitHubError(`the report download answered ${response.statusCode}`, response.statusCode, true);
  }
  const declared = Number(response.headers['content-length']);
  const watch = new LineBoundaryWatch();
  try {
    const gzip = [
      new Coalesce(GZIP_WRITE_BYTES),
      createGzip({ level: ARCHIVE_GZIP_LEVEL, chunkSize: GZIP_OUTPUT_BYTES }),
    ] as const;
    if (options.pseudonyms)
      await pipeline(
        response.body,
        watch,
        new ScrubLines(options.pseudonyms),
        ...gzip,
        createWriteStream(file),
      );
    else await pipeline(response.body, watch, ...gzip, createWriteStream(file));
  } catch (error) {
    throw new TruncatedDownloadError(`after ${watch.bytes} bytes: ${(error as Error).message}`);
  }
  if (Number.isFinite(declared) && declared !== watch.bytes) {
    throw new TruncatedDownloadError(`received ${watch.bytes} of ${declared} bytes`);
  }
  watch.check();
  return { bytes: watch.bytes };
}
