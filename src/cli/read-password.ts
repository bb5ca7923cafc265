import { readFile } from 'node:fs/promises';

/** Where create-admin takes the password from: exactly one of these flags. */
export type PasswordSource =
  | { readonly kind: 'argument'; readonly value: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'stdin' };

/** The text without the one line ending an editor or `echo` adds; anything else is the password. */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password (end with Enter, then Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads the password from a file (`--password-file`, e.g. a mounted secret) or standard input
 * (`--password-stdin`), so it need never appear in argv, where every local user can read it in
 * `ps` and the shell keeps it in its history. Returns why it could not, never the content.
 */
export async function readPassword(source: PasswordSource): Promise<{ password: string } | { error: string }> {
  let text: string;
  if (source.kind === 'argument') return { password: source.value };
  try {
    text = source.kind === 'file' ? await readFile(source.path, 'utf8') : await readStdin();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    return { error: source.kind === 'file' ? `cannot read --password-file (${code})` : `cannot read standard input (${code})` };
  }
  const password = withoutFinalNewline(text);
  if (password === '')
    return { error: source.kind === 'file' ? 'the --password-file is empty' : 'standard input held no password' };
  return { password };
}
