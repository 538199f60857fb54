/**
 * A parameterised SQL fragment. Composing fragments renumbers their
 * placeholders, so values never end up in the SQL text.
 */
export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}

  /** Text with $1..$n placeholders and the matching values, for $queryRawUnsafe. */
  build(): { text: string; values: unknown[] } {
    let text = this.strings[0]!;
    for (let i = 0; i < this.values.length; i++) text += `$${i + 1}${this.strings[i + 1]!}`;
    return { text, values: [...this.values] };
  }
}

/** Tagged template: `${value}` becomes a parameter, `${sql`…`}` is spliced in. */
export function sql(strings: TemplateStringsArray, ...parts: unknown[]): Sql {
  const outStrings: string[] = [strings[0]!];
  const values: unknown[] = [];
  parts.forEach((part, i) => {
    if (part instanceof Sql) {
      outStrings[outStrings.length - 1] += part.strings[0]!;
      for (let j = 0; j < part.values.length; j++) {
        values.push(part.values[j]);
        outStrings.push(part.strings[j + 1]!);
      }
    } else {
      values.push(part);
      outStrings.push('');
    }
    outStrings[outStrings.length - 1] += strings[i + 1]!;
  });
  return new Sql(outStrings, values);
}

/** Trusted SQL text (identifiers, keywords chosen by code, never by input). */
export function raw(text: string): Sql {
  return new Sql([text], []);
}

export function join(fragments: readonly Sql[], separator: string): Sql {
  if (fragments.length === 0) return raw('');
  return fragments.slice(1).reduce((acc, f) => sql`${acc}${raw(separator)}${f}`, fragments[0]!);
}
