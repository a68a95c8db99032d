/**
 * A batch's cells across the thread boundary without the structured clone of a mixed array. Cloning a
 * `(number | string | null)[]` costs the receiving thread (here the writer, the import's floor) about
 * as much per cell as storing it; a users report of 100,000 people is millions of cells. Packed, the
 * numbers travel in a Float64Array and the kind of every cell in a Uint8Array, both transferred (moved,
 * not copied), and only the few strings (logins, texts) are cloned. Unpacking is one pass of reads.
 */
import type { CellValue } from '../reports/mapping';
import type { RecordBatch } from './recordBatches';

const NUMBER = 0;
const NULL = 1;
const STRING = 2;

/** A RecordBatch with its `data` packed; everything else as it was. */
export interface PackedBatch extends Omit<RecordBatch, 'data'> {
  numbers: Float64Array;
  kinds: Uint8Array;
  strings: string[];
}

/** The batch packed, and the buffers to transfer with it (`postMessage(message, transfer)`). */
export function packBatch(batch: RecordBatch): { packed: PackedBatch; transfer: ArrayBuffer[] } {
  const { data, ...rest } = batch;
  const numbers = new Float64Array(data.length);
  const kinds = new Uint8Array(data.length);
  const strings: string[] = [];
  for (let i = 0; i < data.length; i++) {
    const cell = data[i];
    if (typeof cell === 'number') numbers[i] = cell;
    else if (cell === null) kinds[i] = NULL;
    else {
      kinds[i] = STRING;
      strings.push(cell);
    }
  }
  return {
    packed: { ...rest, numbers, kinds, strings },
    transfer: [numbers.buffer as ArrayBuffer, kinds.buffer as ArrayBuffer],
  };
}

/** The batch as `packBatch` received it: the same cells, in order. */
export function unpackBatch(packed: PackedBatch): RecordBatch {
  const { numbers, kinds, strings, ...rest } = packed;
  const data: CellValue[] = new Array<CellValue>(kinds.length);
  let next = 0;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i];
    data[i] = kind === NUMBER ? numbers[i] : kind === NULL ? null : strings[next++];
  }
  return { ...rest, data };
}
