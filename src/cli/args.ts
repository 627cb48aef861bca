// Option value parsers shared by the subcommands: a bad value is commander's usage error (exit 2).
import { InvalidArgumentError } from 'commander';

/** A number > 0; with allowInfinity, "inf" / "infinity" too. */
export function positive(name: string, allowInfinity = false) {
  return (v: string) => {
    const n = allowInfinity && /^(inf|infinity)$/i.test(v) ? Infinity : Number(v);
    if (!(n > 0) || (!allowInfinity && !Number.isFinite(n))) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

export function nonNegative(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!(n >= 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number ≥ 0`);
    return n;
  };
}

/** A whole number ≥ 1. */
export function int(name: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${name} must be a positive whole number`);
    return Number(v);
  };
}
