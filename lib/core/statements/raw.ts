/**
 * The fields of a statement line as kept on its payment (details.raw), without repeating their names
 * on every line: the names go once on the statement (statements.raw_columns), each line keeps its
 * values in that order, null where it has no such field. A million-line file stored its header
 * a million times otherwise: two thirds of each line's copy.
 */
export class RawColumns {
  private readonly indexOf = new Map<string, number>();
  readonly names: string[] = [];

  /** The line's values in column order; a field name not seen before becomes the next column. */
  values(raw: Readonly<Record<string, string>>): (string | null)[] {
    const out: (string | null)[] = [];
    for (const [name, value] of Object.entries(raw)) {
      let at = this.indexOf.get(name);
      if (at === undefined) {
        at = this.names.length;
        this.indexOf.set(name, at);
        this.names.push(name);
      }
      while (out.length < at) out.push(null);
      out[at] = value;
    }
    return out;
  }
}

/** A line's fields by name again, from its statement's column names and its stored values. */
export function rawFields(names: readonly string[], values: readonly (string | null)[]): Record<string, string> {
  const raw: Record<string, string> = {};
  values.forEach((value, i) => {
    if (value !== null && i < names.length && names[i] !== "__proto__") raw[names[i]] = value;
  });
  return raw;
}
