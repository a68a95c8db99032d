/** What every section gets from the runner. */
import type { BenchOptions } from '../lib/options';

export interface SectionContext {
  options: BenchOptions;
  log: (line: string) => void;
}
