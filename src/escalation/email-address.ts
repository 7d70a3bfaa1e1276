import spellChecker from '@zootools/email-spell-checker';

/**
 * Checks an e-mail address a seller types. Internationalised addresses (ผู้ขาย@ตัวอย่าง.ไทย)
 * are accepted: Thai sellers have them and nodemailer can send to them. Anything that could
 * break a mail header (spaces, CR/LF, commas, angle brackets, quotes) is refused.
 */
const ADDRESS = /^[^\s@<>()[\]\\,;:"]{1,64}@(?:[^\s@<>()[\]\\,;:"._-][^\s@<>()[\]\\,;:".]*\.)+[^\s@<>()[\]\\,;:"._\d-]{2,63}$/u;

/**
 * A space typed before or after a dot of the domain, where a domain's ending follows ("gmail
 * .com", "mintshop . co . th"). Only these endings are joined: "x@gmail.com. thanks" is an
 * address and a word.
 */
const SPACED_DOT = /(@[^\s@]*?)(?:\s+\.\s*|\.\s+)(com|net|org|co|th|in|ac|go|or|me|io|shop|store|uk|au|sg|my|asia|biz|info)(?=$|[\s.])/iu;

/** Punctuation around an address in a sentence: "x@y.com, that's all", "(x@y.com)", "<x@y.com>". */
const AROUND = /^[<(["'“‘]+|[.。,，;:!?)\]>"'”’]+$/gu;

function joinSpacedDomain(text: string): string {
  let joined = text;
  for (let next = joined.replace(SPACED_DOT, '$1.$2'); next !== joined; next = joined.replace(SPACED_DOT, '$1.$2')) joined = next;
  return joined;
}

export function parseEmailAddress(input: string): string | undefined {
  const candidate = input.normalize('NFC').trim().replace(/^mailto:/i, '').replace(/[.。]+$/u, '');
  // Control characters never belong in an address (a pasted line break, a NUL): refuse them.
  // eslint-disable-next-line no-control-regex
  if (candidate.length > 254 || /[\u0000-\u001F\u007F]/.test(candidate)) return undefined;
  // A seller may write "my email is x@y.com": take the one token that looks like an address;
  // "kaew_99 @ hotmail.com", spaced around its @ on a phone keyboard, is one, and so are
  // "pat.store@gmail .com" and "mint @ mintshop . co . th" spaced around the domain's dots.
  const token = joinSpacedDomain(candidate.replace(/\s*@\s*/gu, '@')).split(/\s+/).find((w) => w.includes('@'))?.replace(AROUND, '') ?? candidate;
  return ADDRESS.test(token) ? token : undefined;
}

/**
 * The mail providers Thai sellers use and the endings their addresses have: "gmial.con" is
 * gmail.com, and yahoo.co.th is not a slip for yahoo.co. A bare "co" or "th" is left out: a
 * typed "gmail.co" is a slip far more often than a Colombian address.
 */
const DOMAINS = [...spellChecker.POPULAR_DOMAINS, 'gmail.com', 'hotmail.com', 'yahoo.com', 'outlook.com', 'live.com', 'hotmail.co.th', 'yahoo.co.th', 'outlook.co.th', 'live.co.th', 'icloud.com'];
const SECOND_LEVEL = ['gmail', 'hotmail', 'yahoo', 'outlook', 'live', 'icloud'];
const TOP_LEVEL = ['com', 'net', 'org', 'co.th', 'in.th', 'ac.th', 'go.th', 'or.th', 'net.th', 'me', 'io', 'shop', 'store', 'co.uk', 'com.au', 'com.sg', 'com.my', 'asia', 'biz', 'info'];

/**
 * The address the seller probably meant ("somchai@gmial.con": somchai@gmail.com), if it
 * differs. Only slips of the big providers' names are suggested: a shop's own domain
 * ("arun@shopmail.co") is the seller's to know.
 */
export function suggestEmailAddress(address: string): string | undefined {
  const suggestion = spellChecker.run({ email: address, domains: DOMAINS, secondLevelDomains: SECOND_LEVEL, topLevelDomains: TOP_LEVEL });
  if (!suggestion || suggestion.full.toLowerCase() === address.toLowerCase()) return undefined;
  return DOMAINS.includes(suggestion.domain.toLowerCase()) ? suggestion.full : undefined;
}
