import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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
  const lines = createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
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

function toItem(line: number, value: unknown): ReadItem {
  if (isJsonObject(value)) return { line, record: value };
  return { line, error: `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}` };
}
