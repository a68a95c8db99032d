import { Combobox, type ComboboxOption, InlineField, InlineFieldRow, InlineSwitch, Input } from '@grafana/ui';
import { useEffect, useState } from 'react';
import type { CatalogMetric } from '../api';
import { hasVariable } from '../templating';
import { type CopilotQuery, LIMIT_RANGE, SEAT_ACTIVE_DAYS_RANGE } from '../types';
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

interface Props {
  id: string;
  query: CopilotQuery;
  /** The chosen metric's catalog entry: which options it takes. */
  metric?: CatalogMetric;
  labelWidth: number;
  onChange: (query: CopilotQuery) => void;
}

/** Interval, format and top-N: how the figures are bucketed and shaped; the seat metrics' activity window. */
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

/** A whole number within the ingester's bounds, or a variable; empty keeps every group. */
export function parseLimit(text: string): { limit?: number | string } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (hasVariable(trimmed)) return { limit: trimmed };
  const limit = Number(trimmed);
  if (!Number.isInteger(limit) || limit < LIMIT_RANGE.min || limit > LIMIT_RANGE.max) {
    return { error: `Enter a whole number from ${LIMIT_RANGE.min} to ${LIMIT_RANGE.max}, or a variable` };
  }
  return { limit };
}

function LimitField({
  id,
  query,
  onChange,
}: {
  id: string;
  query: CopilotQuery;
  onChange: Props['onChange'];
}) {
  const saved = query.limit === undefined ? '' : String(query.limit);
  const [text, setText] = useState(saved);
  const [error, setError] = useState<string>();
  useEffect(() => setText(saved), [saved]);

  // Commits on blur or Enter, so the query does not run on every keystroke; an invalid text is not saved.
  const commit = () => {
    const parsed = parseLimit(text);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setError(undefined);
    if (parsed.limit === query.limit) return;
    const next: CopilotQuery = { ...query, limit: parsed.limit };
    if (parsed.limit === undefined) {
      delete next.limit;
      delete next.others;
    }
    onChange(next);
  };

  return (
    <InlineField
      label="Limit"
      invalid={!!error}
      error={error}
      tooltip="Keep the top N groups by their total over the time range."
    >
      <Input
        id={id}
        width={12}
        inputMode="numeric"
        placeholder="All groups"
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(event) => event.key === 'Enter' && commit()}
      />
    </InlineField>
  );
}

/** Days a seat's last activity may be ago to count as active: a whole number in range, or a variable; empty is the default. */
export function parseSeatActiveDays(text: string): { seatActiveDays?: number | string } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (hasVariable(trimmed)) return { seatActiveDays: trimmed };
  const days = Number(trimmed);
  const { min, max } = SEAT_ACTIVE_DAYS_RANGE;
  if (!Number.isInteger(days) || days < min || days > max) {
    return { error: `Enter a whole number of days from ${min} to ${max}, or a variable` };
  }
  return { seatActiveDays: days };
}

function ActiveDaysField({
  id,
  query,
  onChange,
}: {
  id: string;
  query: CopilotQuery;
  onChange: Props['onChange'];
}) {
  const saved = query.seatActiveDays === undefined ? '' : String(query.seatActiveDays);
  const [text, setText] = useState(saved);
  const [error, setError] = useState<string>();
  useEffect(() => setText(saved), [saved]);

  // Commits on blur or Enter, like the limit; empty removes the field, since the ingester takes it only when set.
  const commit = () => {
    const parsed = parseSeatActiveDays(text);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setError(undefined);
    if (parsed.seatActiveDays === query.seatActiveDays) return;
    const next: CopilotQuery = { ...query, seatActiveDays: parsed.seatActiveDays };
    if (parsed.seatActiveDays === undefined) delete next.seatActiveDays;
    onChange(next);
  };

  return (
    <InlineField
      label="Active within"
      invalid={!!error}
      error={error}
      tooltip={`A seat counts as active when its last Copilot activity is on one of this many days, ending on the snapshot day (default ${SEAT_ACTIVE_DAYS_RANGE.default}).`}
    >
      <Input
        id={id}
        width={12}
        inputMode="numeric"
        placeholder={`${SEAT_ACTIVE_DAYS_RANGE.default} days`}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(event) => event.key === 'Enter' && commit()}
      />
    </InlineField>
  );
}
