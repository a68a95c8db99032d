/**
 * The ingester's query API as its clients see it: what a request may ask for, what each route answers,
 * the SQL-free catalog, and the query models dashboards save. No dependencies, no I/O: the ingester,
 * the plugin and the dashboards all import it.
 */
export * from './catalog';
export * from './panelQuery';
export * from './plugin';
export * from './reports';
export * from './request';
export * from './responses';
