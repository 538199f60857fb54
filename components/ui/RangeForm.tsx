'use client';

import { type FormEvent, useId, useState } from 'react';
import { checkRange, parseZonedInput, type RangeProblem, toZonedInput } from '@/lib/charts/drilldown';
import { zoneName } from '@/lib/charts/format';
import { usePreference } from './preferences';

interface RangeFormProps {
  /** Names the form for screen readers ("Custom time range"). */
  label: string;
  fromMs?: number;
  toMs?: number;
  /** The longest range the server accepts; checked here first so the user is told before a request is sent. */
  maxSeconds: number;
  onApply: (fromMs: number, toMs: number) => void;
  onClear?: () => void;
  testId?: string;
}

/**
 * From and To as dates and times in the zone every other time is shown in
 * (the header's Times switch), named in the labels. A bad range is explained
 * next to the field at fault and nothing is sent.
 */
export function RangeForm({ label, fromMs, toMs, maxSeconds, onApply, onClear, testId }: RangeFormProps) {
  const [zone] = usePreference('timeZone');
  const [problem, setProblem] = useState<RangeProblem | null>(null);
  const id = useId();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const from = parseZonedInput(String(data.get('from') ?? ''), zone);
    const to = parseZonedInput(String(data.get('to') ?? ''), zone);
    const found = checkRange(from, to, maxSeconds);
    setProblem(found);
    if (!found) onApply(from!, to!);
  };
  const field = (name: 'from' | 'to', text: string, value: number | undefined) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>
        {text} ({zoneName(zone)})
      </label>
      <input
        id={`${id}-${name}`}
        name={name}
        type="datetime-local"
        // Re-keyed on zone and value, so a zone switch or a new URL shows the same instant in the new zone.
        key={`${zone}:${value ?? ''}`}
        defaultValue={value === undefined ? '' : toZonedInput(value, zone)}
        aria-invalid={problem?.field === name || undefined}
        aria-describedby={problem?.field === name ? `${id}-problem` : undefined}
        required
      />
    </div>
  );
  return (
    <form className="toolbar" aria-label={label} onSubmit={submit} noValidate data-testid={testId}>
      {field('from', 'From', fromMs)}
      {field('to', 'To', toMs)}
      <button type="submit" className="button primary">
        Apply range
      </button>
      {onClear ? (
        <button type="button" className="button" onClick={onClear}>
          Clear range
        </button>
      ) : null}
      {problem ? (
        <p className="notice error" id={`${id}-problem`} role="alert">
          {problem.message}
        </p>
      ) : null}
    </form>
  );
}
