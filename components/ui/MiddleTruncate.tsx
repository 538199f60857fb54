/** Characters always kept at the end: the part of a key that tells neighbours apart (an id, a UUID's tail). */
const TAIL = 12;

/**
 * A long key shortened in the middle when space runs out, so both its prefix
 * and its distinguishing end stay visible; the full key is the hover title.
 * The two visible halves are flex items, which accessible-name computation
 * would join with a space, so assistive technology and link names get the
 * key from one hidden copy instead.
 */
export function MiddleTruncate({ text, className }: { text: string; className?: string }) {
  const classes = className ? `mid-trunc ${className}` : 'mid-trunc';
  if (text.length <= TAIL * 2) {
    return (
      <span className={classes} title={text}>
        {text}
      </span>
    );
  }
  return (
    <span className={classes} title={text}>
      <span className="mid-trunc-head" aria-hidden="true">
        {text.slice(0, -TAIL)}
      </span>
      <span className="mid-trunc-tail" aria-hidden="true">
        {text.slice(-TAIL)}
      </span>
      <span className="sr-only">{text}</span>
    </span>
  );
}
