import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="panel stack">
      <h1>Page not found</h1>
      <p>
        Go back to the <Link href="/">Overview</Link> or look a record up in the <Link href="/explorer">Explorer</Link>.
      </p>
    </div>
  );
}
