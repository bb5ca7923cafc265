/** Outcome of parsing a command's flags: the values, or why the command line is refused. */
export type ParsedFlags<Name extends string> =
  | { readonly ok: true; readonly values: Readonly<Partial<Record<Name, string>>> }
  | { readonly ok: false; readonly error: string };

/** The flags a command takes: `--name value` flags that must or may be given, and bare switches. */
export interface FlagSpec<Name extends string> {
  readonly required?: readonly Name[];
  readonly optional?: readonly Name[];
  /** Flags without a value (`--password-stdin`); parsed as the value "true". */
  readonly switches?: readonly Name[];
}

/**
 * Strict parser for commands that take exactly these `--name value` (or `--name=value`) flags,
 * each once. Unknown, repeated or missing flags, empty values and stray words are refused
 * rather than guessed at: a typo in an operator's command must never create the wrong thing.
 * A value that starts with `--` is only accepted in the `--name=value` form, so a forgotten
 * value cannot silently swallow the next flag.
 */
export function parseFlags<Name extends string>(args: readonly string[], spec: FlagSpec<Name>): ParsedFlags<Name> {
  const required = spec.required ?? [];
  const switches = new Set<string>(spec.switches ?? []);
  const known = new Set<string>([...required, ...(spec.optional ?? []), ...switches]);
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    // Never echo a stray word: it is often part of an unquoted password.
    if (!arg.startsWith('--')) return { ok: false, error: `unexpected argument at position ${i + 1}` };
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    // An unknown name is echoed only when it looks like a flag name, never a pasted secret.
    if (!known.has(name))
      return { ok: false, error: /^[a-z][a-z-]{0,30}$/.test(name) ? `unknown flag "--${name}"` : 'unknown flag' };
    if (values.has(name)) return { ok: false, error: `--${name} given twice` };
    if (switches.has(name)) {
      if (equals >= 0) return { ok: false, error: `--${name} takes no value` };
      values.set(name, 'true');
      continue;
    }
    let value: string | undefined;
    if (equals >= 0) value = arg.slice(equals + 1);
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) value = args[++i];
    if (!value) return { ok: false, error: `--${name} needs a value` };
    values.set(name, value);
  }
  const missing = required.filter((name) => !values.has(name));
  if (missing.length > 0) return { ok: false, error: `missing ${missing.map((name) => `--${name}`).join(', ')}` };
  return { ok: true, values: Object.fromEntries(values) as Partial<Record<Name, string>> };
}
