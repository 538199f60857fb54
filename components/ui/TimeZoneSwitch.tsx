'use client';

import { useId } from 'react';
import { usePreference } from './preferences';

/** Every date on the dashboard is shown in the browser's zone or in UTC; the zone is always named next to it. */
export function TimeZoneSwitch() {
  const [zone, setZone] = usePreference('timeZone');
  const id = useId();
  return (
    <div className="header-setting">
      <label htmlFor={id}>Times</label>
      <select id={id} value={zone} onChange={(e) => setZone(e.target.value as typeof zone)}>
        <option value="local">Local</option>
        <option value="utc">UTC</option>
      </select>
    </div>
  );
}
