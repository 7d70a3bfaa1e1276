import crypto from 'node:crypto';

/**
 * Crockford's base32 alphabet: no I, L, O or U, so a seller reading the number over the phone
 * or typing it from a screenshot cannot confuse 1/I/L or 0/O (and no accidental words).
 */
export const TICKET_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TICKET_PATTERN = /^BS-[0-9A-HJKMNP-TV-Z]{6}$/;

/**
 * A short, readable ticket number such as `BS-7K3M9Q`: 32^6 (about a billion) values, plenty for
 * a support mailbox. Uniqueness is enforced by the outbox's primary key, which draws again on a
 * collision. `random` is injectable so tests can force a collision.
 */
export function newTicketId(random: (bytes: number) => Uint8Array = crypto.randomBytes): string {
  const bytes = random(6);
  // 256 is a multiple of 32, so taking the low 5 bits of a byte is uniform.
  let id = '';
  for (let i = 0; i < 6; i++) id += TICKET_ALPHABET[bytes[i]! & 31];
  return `BS-${id}`;
}

/** A ticket's name as a file name (the saved .eml): nothing but its letters, digits and dash. */
export function ticketFileName(ticket: string): string {
  return ticket.replace(/[^A-Za-z0-9-]/g, '');
}
