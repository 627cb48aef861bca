// The one option-parsing helper of the CLI. Each parser turns a bad value into commander's
// InvalidArgumentError, which commander prints with the option's name and the main CLI turns into
// exit 2. Enumerations use commander's own .choices() through choice().
import { InvalidArgumentError, Option } from 'commander';

/** A whole number ≥ min (default 1). */
export function int(name: string, min = 1): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`${name} must be a whole number${min > 0 ? ` ≥ ${min}` : ''}`);
    return Number(v);
  };
}

/** A number > 0; with infinity, "inf" / "infinity" too. */
export function positive(name: string, infinity = false): (v: string) => number {
  return (v) => {
    const n = infinity && /^(inf|infinity)$/i.test(v) ? Infinity : Number(v);
    if (!(n > 0) || (!infinity && !Number.isFinite(n))) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

/** A finite number ≥ 0. */
export function nonNegative(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number ≥ 0`);
    return n;
  };
}

/** A positive number of seconds, as whole milliseconds. */
export function seconds(name: string): (v: string) => number {
  const parse = positive(name);
  return (v) => Math.round(parse(v) * 1000);
}

/** Repeatable: every value, in order. */
export function repeat(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/** Comma-separated and repeatable: "a,b" "--x c" → [a, b, c]; each item parsed by item. */
export function list<T = string>(item: (v: string) => T = (v) => v as T): (v: string, prev?: T[]) => T[] {
  return (v, prev = []) => [
    ...prev,
    ...v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(item),
  ];
}

/** One of names; for list items (a single-valued option uses choice()). */
export function oneOf<T extends string>(name: string, names: readonly T[]): (v: string) => T {
  return (v) => {
    if (!(names as readonly string[]).includes(v)) throw new InvalidArgumentError(`${name} must be one of ${names.join(', ')}`);
    return v as T;
  };
}

/** NAME=value, repeatable, into one record. */
export function envPair(v: string, prev: Record<string, string> = {}): Record<string, string> {
  const i = v.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError('use NAME=value');
  return { ...prev, [v.slice(0, i)]: v.slice(i + 1) };
}

/** An option taking one of choices (commander lists them in the help and rejects the rest). */
export function choice(flags: string, description: string, choices: readonly string[], fallback?: string): Option {
  const o = new Option(flags, description).choices(choices);
  return fallback === undefined ? o : o.default(fallback);
}
