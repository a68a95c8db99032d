/**
 * @copilot-metrics/ingester/import: storing one report file, and nothing else: the benchmarks measure
 * an import's memory and speed in a process that loads only this (the library entry also loads the HTTP
 * server, the metrics and the GitHub client).
 */
export { parseDay } from './days';
export { openDatabase } from './store/db';
export { Store } from './store/writer';
export { PostgresStore } from './store/postgres/store';
export { importReport } from './sync/importer';
export { importWorkerReady } from './sync/importPipeline';
