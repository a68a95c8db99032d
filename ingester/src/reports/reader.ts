import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { type JsonObject, isJsonObject } from './types';

export type ReadItem = { line: number; record: JsonObject } | { line: number; error: string };

/** Aggregate files are small; a pretty-printed one is parsed whole up to this size. */
const MAX_DOCUMENT_BYTES = 64 << 20;

/**
 * Streams the records of a gzip-compressed report file, line by line, with line numbers. A line that
 * is not a JSON object is yielded as an error and reading goes on. With `allowDocument`, a file that is
 * one pretty-printed JSON object or array (as GitHub's docs show aggregates) is parsed whole instead.
 */
export async function* readRecords(
  file: string,
  options: { allowDocument: boolean },
): AsyncGenerator<ReadItem> {
  const lines = linesOf(file);
  let lineNumber = 0;
  let document: string[] | undefined;
  let documentBytes = 0;
  let sawContent = false;
  for await (const line of lines) {
    lineNumber++;
    if (document) {
      documentBytes += line.length;
      if (documentBytes > MAX_DOCUMENT_BYTES) {
        yield {
          line: 1,
          error: `the file is neither NDJSON nor a JSON document under ${MAX_DOCUMENT_BYTES >> 20} MB`,
        };
        return;
      }
      document.push(line);
      continue;
    }
    const text = line.trim();
    if (text.length === 0) continue;
    const isFirstContent = !sawContent;
    sawContent = true;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (options.allowDocument && isFirstContent && /^[[{]/.test(text)) {
        document = [line];
        documentBytes = line.length;
        continue;
      }
      yield { line: lineNumber, error: `not valid JSON (${(error as Error).message})` };
      continue;
    }
    if (Array.isArray(value) && options.allowDocument) {
      for (const element of value) yield toItem(lineNumber, element);
    } else {
      yield toItem(lineNumber, value);
    }
  }
  if (document) {
    let value: unknown;
    try {
      value = JSON.parse(document.join('\n'));
    } catch (error) {
      yield {
        line: 1,
        error: `the file is neither NDJSON nor one JSON document (${(error as Error).message})`,
      };
      return;
    }
    for (const element of Array.isArray(value) ? value : [value]) yield toItem(1, element);
  }
}

/** Bytes read from the file, and decompressed, per step: fewer, larger chunks than the defaults. */
const READ_CHUNK_BYTES = 1 << 20;
const GUNZIP_CHUNK_BYTES = 256 << 10;

/**
 * The lines of a gzip-compressed text file, as readline gives them (\n, \r\n and a lone \r end a line;
 * a last line without an end counts), without its per-line events: each decompressed chunk is split
 * with `indexOf`, and its lines are handed over as one array.
 */
async function* linesOf(file: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let tail = '';
  const input = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES }).pipe(
    createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }),
  );
  for await (const chunk of input) {
    const text = tail + decoder.write(chunk as Buffer);
    const lines: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      splitLine(text.slice(start, end), lines);
      start = end + 1;
    }
    tail = text.slice(start);
    yield* lines;
  }
  tail += decoder.end();
  // A text ending in \r\n split across chunks left its \r here: readline ends the line there too.
  if (tail.length) {
    const lines: string[] = [];
    splitLine(tail, lines);
    yield* lines;
  }
}

/** A line ended by \n, without its \r; a lone \r inside ends a line too (as readline reads it). */
function splitLine(line: string, out: string[]): void {
  if (line.indexOf('\r') < 0) {
    out.push(line);
    return;
  }
  const pieces = line.split('\r');
  // "a\r" is one line (a \r\n ending); "a\rb" is two.
  if (pieces[pieces.length - 1] === '') pieces.pop();
  for (const piece of pieces) out.push(piece);
}

function toItem(line: number, value: unknown): ReadItem {
  if (isJsonObject(value)) return { line, record: value };
  return { line, error: `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}` };
}
