/**
 * Checks an e-mail address a seller types. Internationalised addresses (ผู้ขาย@ตัวอย่าง.ไทย)
 * are accepted: Thai sellers have them and nodemailer can send to them. Anything that could
 * break a mail header (spaces, CR/LF, commas, angle brackets, quotes) is refused.
 */
const ADDRESS = /^[^\s@<>()[\]\\,;:"]{1,64}@(?:[^\s@<>()[\]\\,;:"._-][^\s@<>()[\]\\,;:".]*\.)+[^\s@<>()[\]\\,;:"._\d-]{2,63}$/u;

export function parseEmailAddress(input: string): string | undefined {
  const candidate = input.normalize('NFC').trim().replace(/^mailto:/i, '').replace(/[.。]+$/u, '');
  // Control characters never belong in an address (a pasted line break, a NUL): refuse them.
  // eslint-disable-next-line no-control-regex
  if (candidate.length > 254 || /[\u0000-\u001F\u007F]/.test(candidate)) return undefined;
  // A seller may write "my email is x@y.com": take the one token that looks like an address.
  const token = candidate.split(/\s+/).find((w) => w.includes('@')) ?? candidate;
  return ADDRESS.test(token) ? token : undefined;
}
