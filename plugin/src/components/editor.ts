/**
 * What every editor is given. Editors depend on the few reads they make, not on the DataSource class:
 * the data source imports its editors, so they must not import it back, and a test can render them
 * with any object that answers these calls.
 */
import type { DimensionValue } from '@copilot-metrics/contract';
import type { TimeRange } from '@grafana/data';
import type { Catalog, DimensionValuesOptions } from '../api';

/** The data source as the editors (and template variables) use it: the DataSource class implements it. */
export interface EditorDataSource {
  /** Scope of the queries that leave theirs empty. */
  readonly defaultScope?: string;
  /** The ingester's metrics and dimensions: what the editors offer. */
  catalog(): Promise<Catalog>;
  /** Values of a dimension, to pick filters, scopes and variable values from. */
  dimensionValues(dimension: string, options?: DimensionValuesOptions): Promise<DimensionValue[]>;
}

/** The part of Grafana's QueryEditorProps the editors read, for a query of type Q. */
export interface EditorProps<Q> {
  datasource: EditorDataSource;
  query: Q;
  onChange: (query: Q) => void;
  onRunQuery: () => void;
  /** The panel's time range: filter values are those seen within it. */
  range?: TimeRange;
}

/** Width of the labels in the first column, so the editors' rows line up. */
export const LABEL_WIDTH = 14;
