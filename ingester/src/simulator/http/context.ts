/** What the handlers share: the simulated enterprise, its reports, the faults, the clock and the address. */
import type { DayNumber } from '../../days';
import type { FaultInjector } from '../faults';
import type { ReportGenerator } from '../generate';
import type { Population } from '../model';

export interface SimContext {
  readonly population: Population;
  readonly generator: ReportGenerator;
  readonly faults: FaultInjector;
  /** Tests: awaited before a report file is served (see SimulatorServerOptions.beforeDownload). */
  readonly beforeDownload?: (path: string) => Promise<void> | void;
  /** "Today" for availability: reports lag two days behind it. */
  today(): DayNumber;
  /** The server's own address, for the links it hands out. */
  baseUrl(): string;
}
