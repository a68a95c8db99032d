/**
 * The signed download host: where report links point, like GitHub's blob storage. It checks the link's
 * signature and expiry, streams the file, and injects the download faults (expired links, connections
 * reset or files cut short on the first try).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { findScope } from '../generate/scope';
import type { SimContext } from './context';
import type { Exchange } from './exchange';
import { reportLines } from './reportFiles';
import { safeEqual } from './safeEqual';

const FILE_PATH =
  /^\/_downloads\/(enterprise|organization)\/([^/]+)\/([a-z0-9-]+)\/([0-9-]+|latest)\/(\d+)-of-(\d+)\.ndjson$/;

const xmlError = (code: string, message: string) =>
  `<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/** A file another endpoint family serves from the host (path → content), or undefined if there is none. */
export type FileSource = (path: string) => { contentType: string; lines: Iterable<string> } | undefined;

export class DownloadHost {
  private readonly secret = randomBytes(16);
  private readonly sources = new Map<string, FileSource>();

  constructor(private readonly ctx: SimContext) {}

  /** Serves the files under `/_downloads/{prefix}/` from `source` (the billing exports' CSV files). */
  mount(prefix: string, source: FileSource): void {
    this.sources.set(`/_downloads/${prefix}/`, source);
  }

  /** A pre-signed link to a path of the host. */
  signedUrl(path: string, expires: number): string {
    return `${this.ctx.baseUrl()}${path}?se=${expires}&sig=${this.sign(path, expires)}`;
  }

  /** Signed links to the files of a report; `day` is a YYYY-MM-DD or 'latest'. */
  links(kind: string, slug: string, name: string, day: string, shards: number, expires: number): string[] {
    return Array.from({ length: shards }, (_, shard) => {
      const path = `/_downloads/${kind}/${encodeURIComponent(slug)}/${name.replace('/latest', '')}/${day}/${shard}-of-${shards}.ndjson`;
      return this.signedUrl(path, expires);
    });
  }

  private sign(path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('hex').slice(0, 32);
  }

  async serve(x: Exchange): Promise<void> {
    const { faults } = this.ctx;
    const path = x.url.pathname;
    const expires = Number(x.url.searchParams.get('se'));
    const signature = x.url.searchParams.get('sig') ?? '';
    if (x.req.headers.authorization !== undefined) {
      // Pre-signed links take no credentials; blob storage rejects requests that carry them.
      const message = 'Authorization header must not be sent with a signed URL';
      return x.send(
        400,
        { 'content-type': 'application/xml' },
        xmlError('InvalidAuthenticationInfo', message),
      );
    }
    const attempt = faults.attempt(`download:${path}`);
    const expired = !(expires > Date.now()) || !safeEqual(signature, this.sign(path, expires));
    if (expired || faults.fires('expired-links', attempt === 1)) {
      const message = 'Signature not valid in the specified time frame';
      return x.send(403, { 'content-type': 'application/xml' }, xmlError('AuthenticationFailed', message));
    }
    // Cuts spoil the first try only; 'reset' wins when both are on.
    const cut = attempt === 1 ? (['reset', 'truncate'] as const).find((f) => faults.has(f)) : undefined;
    const mounted = [...this.sources].find(([prefix]) => path.startsWith(prefix));
    if (mounted) {
      const file = mounted[1](path);
      if (!file) return x.send(404);
      x.start(200, { 'content-type': file.contentType });
      return this.stream(x, file.lines, cut);
    }
    const match = FILE_PATH.exec(path);
    const scope =
      match &&
      findScope(this.ctx.population, match[1] as 'enterprise' | 'organization', decodeURIComponent(match[2]));
    if (!match || !scope) return x.send(404);
    const [, , , name, dayText, shardText, shardsText] = match;
    await this.ctx.beforeDownload?.(path);
    const lines = reportLines(this.ctx, scope, name, dayText, Number(shardText), Number(shardsText));
    x.start(200, { 'content-type': 'application/x-ndjson' });
    await this.stream(x, lines, cut);
  }

  /** Writes the lines in 64 KiB chunks; with a cut, breaks off in the middle of the second line. */
  private async stream(
    x: Exchange,
    lines: Iterable<string>,
    cut: 'reset' | 'truncate' | undefined,
  ): Promise<void> {
    const { res } = x;
    let buffer = '';
    let written = 0;
    for (const line of lines) {
      if (cut && written > 0) {
        this.ctx.faults.inject(cut);
        const partial = buffer + line.slice(0, Math.ceil(line.length / 2));
        if (cut === 'reset') {
          res.write(partial);
          await new Promise((resolve) => setTimeout(resolve, 20));
          res.socket?.destroy();
        } else {
          res.end(partial);
        }
        return;
      }
      buffer += line;
      written++;
      if (buffer.length >= 65_536) {
        if (!res.write(buffer)) await once(res, 'drain');
        buffer = '';
      }
      if (res.destroyed) return;
    }
    res.end(buffer);
  }
}
