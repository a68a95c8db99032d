import { DAYS_LABELS, LIMIT, SEAT_ACTIVE_DAYS } from '@copilot-metrics/contract';
import { Combobox, type ComboboxOption, InlineField, InlineFieldRow, InlineSwitch, Input } from '@grafana/ui';
import { useEffect, useState } from 'react';
import type { CatalogMetric } from '../api';
import { isWholeNumberIn } from '../queryItem';
import { hasVariable } from '../templating';
import type { MetricsQuery } from '../types';
import { listOrVariable, variableOptions } from './hooks';

const INTERVAL_OPTIONS: Array<ComboboxOption<string>> = [
  { value: 'day', label: 'Day' },
  { value: 'week', label: 'Week', description: 'Weeks start on Monday (UTC)' },
  { value: 'month', label: 'Month' },
];

const FORMAT_OPTIONS: Array<ComboboxOption<string>> = [
  { value: 'time_series', label: 'Time series', description: 'One series per group over time' },
  { value: 'table', label: 'Table', description: 'One row per group, for the whole time range' },
];

const WORKING_DAYS =
  'only the ingester’s working days (WORKWEEK less HOLIDAYS_FILE): weekends and holidays are left out of every point and total.';

/** All days, or working days with what that does to the chosen metric (the catalog's `workdays`). */
function daysOptions(metric?: CatalogMetric): Array<ComboboxOption<string>> {
  return [
    { value: 'all', label: DAYS_LABELS.all },
    {
      value: 'workdays',
      label: DAYS_LABELS.workdays,
      description: metric?.workdays ?? `Count ${WORKING_DAYS}`,
    },
  ];
}

interface Props {
  id: string;
  query: MetricsQuery;
  /** The chosen metric's catalog entry: which options it takes. */
  metric?: CatalogMetric;
  labelWidth: number;
  onChange: (query: MetricsQuery) => void;
}

/**
 * Interval, format, days and top-N: how the figures are bucketed and shaped, and which days count;
 * the seat metrics' activity window.
 */
export function OptionsRow({ id, query, metric, labelWidth, onChange }: Props) {
  const takesActiveDays =
    !!metric?.parameters?.includes('seatActiveDays') || query.seatActiveDays !== undefined;
  return (
    <InlineFieldRow>
      <InlineField label="Interval" labelWidth={labelWidth} tooltip="Bucket size of each point.">
        <ChoicePicker
          id={`${id}-interval`}
          options={INTERVAL_OPTIONS}
          value={query.interval || 'day'}
          onChange={(interval) => onChange({ ...query, interval })}
        />
      </InlineField>
      <InlineField
        label="Format"
        tooltip="Time series for graphs; table for bar charts, pie charts and tables."
      >
        <ChoicePicker
          id={`${id}-format`}
          options={FORMAT_OPTIONS}
          value={query.format || 'time_series'}
          onChange={(format) => onChange({ ...query, format })}
        />
      </InlineField>
      <InlineField
        label="Days"
        tooltip={`Which days count: every day, or ${WORKING_DAYS}${metric?.workdays ? ` For ${metric.title}: ${metric.workdays}` : ''}`}
      >
        <ChoicePicker
          id={`${id}-days`}
          options={daysOptions(metric)}
          value={query.days || 'all'}
          onChange={(days) => onChange(withDays(query, days))}
        />
      </InlineField>
      <LimitField id={`${id}-limit`} query={query} onChange={onChange} />
      <InlineField
        label="Others"
        disabled={query.limit === undefined}
        tooltip="With a limit, fold the remaining groups into one “Others” series instead of dropping them."
      >
        <InlineSwitch
          id={`${id}-others`}
          value={!!query.others}
          disabled={query.limit === undefined}
          onChange={(event) => onChange({ ...query, others: event.currentTarget.checked })}
        />
      </InlineField>
      {takesActiveDays && <ActiveDaysField id={`${id}-seat-active-days`} query={query} onChange={onChange} />}
    </InlineFieldRow>
  );
}

/** `all` is the ingester's default: the field is removed rather than saved. */
function withDays(query: MetricsQuery, days: string): MetricsQuery {
  const next: MetricsQuery = { ...query, days };
  if (days === 'all') delete next.days;
  return next;
}

interface ChoiceProps {
  id: string;
  options: Array<ComboboxOption<string>>;
  value: string;
  onChange: (value: string) => void;
}

/** A fixed list of choices; typed text is accepted only as a template variable. */
function ChoicePicker({ id, options, value, onChange }: ChoiceProps) {
  const all = [...options, ...variableOptions()];
  return (
    <Combobox
      id={id}
      width={16}
      options={listOrVariable(all)}
      value={all.find((option) => option.value === value) ?? { value, label: value }}
      onChange={(option) => onChange(option.value)}
    />
  );
}

/**
 * The text typed in a numeric option: empty (the option is removed), a variable (checked once it is
 * replaced, when the query runs), or a whole number within the ingester's range.
 * @param what names the number in the message, e.g. "whole number of days".
 */
function parseWholeNumber(
  text: string,
  range: { min: number; max: number },
  what = 'whole number',
): { value?: number | string } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (hasVariable(trimmed)) return { value: trimmed };
  const value = Number(trimmed);
  if (!isWholeNumberIn(value, range)) {
    return { error: `Enter a ${what} from ${range.min} to ${range.max}, or a variable` };
  }
  return { value };
}

/**
 * A small numeric text field that commits on blur or Enter, so the query does not run on every
 * keystroke. `commit` applies the text and returns an error message when the text is not valid (then
 * nothing is saved).
 */
function CommittedField({
  id,
  label,
  tooltip,
  placeholder,
  saved,
  commit,
}: {
  id: string;
  label: string;
  tooltip: string;
  placeholder: string;
  saved: string;
  commit: (text: string) => string | undefined;
}) {
  const [text, setText] = useState(saved);
  const [error, setError] = useState<string>();
  useEffect(() => setText(saved), [saved]);
  const onCommit = () => setError(commit(text));

  return (
    <InlineField label={label} invalid={!!error} error={error} tooltip={tooltip}>
      <Input
        id={id}
        width={12}
        inputMode="numeric"
        placeholder={placeholder}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onBlur={onCommit}
        onKeyDown={(event) => event.key === 'Enter' && onCommit()}
      />
    </InlineField>
  );
}

function LimitField({
  id,
  query,
  onChange,
}: {
  id: string;
  query: MetricsQuery;
  onChange: Props['onChange'];
}) {
  return (
    <CommittedField
      id={id}
      label="Limit"
      tooltip="Keep the top N groups by their total over the time range."
      placeholder="All groups"
      saved={query.limit === undefined ? '' : String(query.limit)}
      commit={(text) => {
        const parsed = parseWholeNumber(text, LIMIT);
        if ('error' in parsed) return parsed.error;
        if (parsed.value === query.limit) return undefined;
        const next: MetricsQuery = { ...query, limit: parsed.value };
        if (parsed.value === undefined) {
          delete next.limit;
          delete next.others;
        }
        onChange(next);
        return undefined;
      }}
    />
  );
}

function ActiveDaysField({
  id,
  query,
  onChange,
}: {
  id: string;
  query: MetricsQuery;
  onChange: Props['onChange'];
}) {
  // Empty removes the field, since the ingester takes it only when set.
  return (
    <CommittedField
      id={id}
      label="Active within"
      tooltip={`A seat counts as active when its last Copilot activity is on one of this many days, ending on the snapshot day (default ${SEAT_ACTIVE_DAYS.default}).`}
      placeholder={`${SEAT_ACTIVE_DAYS.default} days`}
      saved={query.seatActiveDays === undefined ? '' : String(query.seatActiveDays)}
      commit={(text) => {
        const parsed = parseWholeNumber(text, SEAT_ACTIVE_DAYS, 'whole number of days');
        if ('error' in parsed) return parsed.error;
        if (parsed.value === query.seatActiveDays) return undefined;
        const next: MetricsQuery = { ...query, seatActiveDays: parsed.value };
        if (parsed.value === undefined) delete next.seatActiveDays;
        onChange(next);
        return undefined;
      }}
    />
  );
}
