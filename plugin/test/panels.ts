/**
 * What Grafana draws from a panel's answer: the panel's transformations and field config applied as
 * Grafana applies them, and the text it shows instead of a visualization when there are no figures.
 * Shared by the tests that check a panel explains an empty answer (privacy modes, My Copilot).
 */
import {
  type DataFrame,
  FieldConfigOptionsRegistry,
  type FieldConfigPropertyItem,
  type FieldConfigSource,
  type ReduceDataOptions,
  applyFieldOverrides,
  createTheme,
  getFieldDisplayValues,
  stringOverrideProcessor,
  transformDataFrame,
} from '@grafana/data';
import type { Panel } from '@grafana/schema';
import { lastValueFrom } from 'rxjs';

const theme = createTheme();
const replaceVariables = (text: string) => text;

/**
 * Grafana's "No value" field option as its core registers it (getAllStandardFieldConfigs in
 * public/app/core/components/OptionsUI/registry.tsx): it applies to every field, and an override's
 * text is taken as it is.
 */
const fieldConfigRegistry = new FieldConfigOptionsRegistry(() => [
  {
    id: 'noValue',
    path: 'noValue',
    name: 'No value',
    process: stringOverrideProcessor,
    shouldApply: () => true,
    settings: {},
    editor: () => null,
    override: () => null,
    category: ['Standard options'],
  } as unknown as FieldConfigPropertyItem,
]);

export const fieldConfigOf = (panel: Panel) => panel.fieldConfig as unknown as FieldConfigSource;

/** The frames a panel's visualization receives: the panel's transformations, then its field config. */
export async function drawn(panel: Panel, frames: DataFrame[]): Promise<DataFrame[]> {
  const transformed = panel.transformations?.length
    ? await lastValueFrom(
        transformDataFrame(panel.transformations as never, frames, { interpolate: (text) => text }),
      )
    : frames;
  return applyFieldOverrides({
    data: transformed,
    fieldConfig: fieldConfigOf(panel),
    fieldConfigRegistry,
    replaceVariables,
    theme,
  });
}

/**
 * What Grafana draws instead of a visualization when a panel has no figures; undefined when it has
 * some. Stat and bar gauge panels draw the one value getFieldDisplayValues makes up when no field has
 * values (the panel's "No value" text, else "No data"). Time series, table, bar chart and pie chart
 * panels render PanelDataErrorView, which says `fieldConfig.defaults.noValue ?? 'No data'` when every
 * frame is empty (getMessageFor in public/app/features/panel/components/PanelDataErrorView.tsx; no
 * package publishes it, so its rule is restated here).
 */
export function emptyPanelText(panel: Panel, frames: DataFrame[]): string | undefined {
  const fieldConfig = fieldConfigOf(panel);
  if (panel.type === 'stat' || panel.type === 'bargauge') {
    const shown = getFieldDisplayValues({
      data: frames,
      fieldConfig,
      reduceOptions: (panel.options as { reduceOptions: ReduceDataOptions }).reduceOptions,
      replaceVariables,
      theme,
    });
    return shown.length === 1 && !shown[0].view ? shown[0].display.text : undefined;
  }
  return frames.every((frame) => frame.length === 0)
    ? (fieldConfig.defaults.noValue ?? 'No data')
    : undefined;
}
