/** An absolute time in the viewer's zone, with the exact ISO instant on hover for copying into incident notes. */
export function Timestamp({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <>—</>;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <>{iso}</>;
  return (
    <time dateTime={iso} title={iso}>
      {date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' })}
    </time>
  );
}
