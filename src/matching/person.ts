import { saysIn, type CompiledLexicon, type WordList } from './lexicon';

/**
 * A word for a person and one that asks make a request only in a short message: in a story
 * ("มีคนแนะนำให้ใช้ bigseller … ขอวิธี…") they are its people and its asks.
 */
const PERSON_REQUEST_WORDS = 6;

/** "real person", "human agent": a person named alone is this short. */
const PERSON_ALONE_WORDS = 2;

/** Words that may stand between a request and its person ("อยากให้เจ้าหน้าที่…", "get me a human"). */
const LINKS = new Set(['ให้', 'กับ', 'me', 'to', 'a', 'an', 'the', 'with', 'some', 'real', 'your', 'from']);

/** How far a run of words of the lexicon may reach over the split words ("some|one|else"). */
const RUN_WORDS = 4;

export interface PersonEvidence {
  normalised: string;
  /** The words as split; Thai ones rewritten by the lexicon's spellings. */
  raw: string[];
  content: string[];
  errorCodes: string[];
  /** The message as typed, without spaces, for the request's own phrasings. */
  squeezed: string;
  /** A greeting to support by name, and nothing else asked ("หวัดดีค่า แอดมิน"). */
  greetsPerson: boolean;
}

/**
 * Whether the seller asks for a person: one of the request's phrasings; a person named alone
 * ("agent"); a word for support's people and one that asks in a short message; or, in a message
 * of any length, a request right before a person ("… ลองทุกวิธีแล้ว ขอเจ้าหน้าที่ติดต่อกลับด่วน").
 * Other people ("ร้านอยู่ในบัญชีของคนอื่น", "someone else's account", "หลายคน") ask for nobody.
 * With an error code, a person and an ask are more often the seller's own admin in a story
 * ("จ้างแอดมินใหม่มาช่วยดูออเดอร์ … ขึ้น INTERNAL_DATA_ERROR"); the request's phrasings still count.
 */
export function asksForPerson(lex: CompiledLexicon, e: PersonEvidence): boolean {
  if (e.greetsPerson || onlyTakenBack(e.raw, lex)) return false;
  if (lex.handover.some((p) => e.squeezed.includes(p))) return true;
  if (e.errorCodes.length > 0) return false;
  const P = lex.handoverPeople;
  const isPerson = (w: string) => P.latin.has(w) || P.thaiWords.has(w);
  if (e.content.length > 0 && e.content.length <= PERSON_ALONE_WORDS && e.content.every(isPerson)) return true;
  // English words as the seller wrote them, Thai ones as split (the lexicon rewrites พนักงาน,
  // the seller's own staff, into "admin").
  const latin = withoutRuns(e.normalised.split(' '), lex.otherPeople);
  const thai = withoutRuns(e.raw, lex.otherPeople);
  const squeezed = [...lex.otherPeople].reduce((s, run) => s.replaceAll(run, ' '), e.squeezed);
  const said = { latin, spaced: ` ${latin.join(' ')} `, thai, squeezed };
  const says = (l: WordList) => saysIn(l, said);
  if (says(P) && e.content.length <= PERSON_REQUEST_WORDS && says(lex.handoverAsks)) return true;
  return latinRequest(latin, lex.handoverRequests.latin, P) || thaiRequests(lex).some((r) => squeezed.includes(r));
}

/** Words that take back the ask right after them ("ไม่ต้องติดต่อเจ้าหน้าที่แล้ว", "no need to contact support"). */
const TAKE_BACK = new Set(['ไม่', 'ไม่ต้อง', 'ไม่อยาก', 'ไม่จำเป็น', 'no', 'not', 'never', 'dont', 'don', 'didn', 'doesn']);
/** Words that may stand between the "no" and its ask ("ไม่|ต้อง|ติดต่อ", "no need to contact", "don't want"). */
const TAKE_BACK_LINKS = new Set(['ต้อง', 'จำเป็น', 'need', 'to', 'want', 'wanna', 't']);

/** The message asks (a word of handoverAsks or handoverRequests), and every ask is taken back by a "no" right before it. */
function onlyTakenBack(words: string[], lex: CompiledLexicon): boolean {
  const isAsk = (w: string) => [lex.handoverAsks, lex.handoverRequests].some((l) => l.latin.has(w) || l.thaiWords.has(w));
  let asks = 0;
  let takenBack = 0;
  words.forEach((w, i) => {
    if (!isAsk(w)) return;
    asks++;
    let j = i - 1;
    while (j >= 0 && TAKE_BACK_LINKS.has(words[j]!)) j--;
    if (j >= 0 && TAKE_BACK.has(words[j]!)) takenBack++;
  });
  return asks > 0 && takenBack === asks;
}

/** An English request word, then (past a few linking words) a person ("agent", "support staff"). */
function latinRequest(said: string[], requests: ReadonlySet<string>, people: WordList): boolean {
  return said.some((w, i) => {
    if (!requests.has(w)) return false;
    const next = said.slice(i + 1).findIndex((n) => !LINKS.has(n));
    const rest = next < 0 ? [] : said.slice(i + 1 + next);
    return people.latin.has(rest[0] ?? '') || people.latinRuns.some((r) => ` ${rest.join(' ')} `.startsWith(r));
  });
}

const THAI_REQUESTS = new WeakMap<CompiledLexicon, string[]>();

/** Each Thai request run together with each person, as typed ("ขอเจ้าหน้าที่", "อยากให้แอดมิน"). */
function thaiRequests(lex: CompiledLexicon): string[] {
  let found = THAI_REQUESTS.get(lex);
  if (!found) {
    const thai = (l: WordList) => [...l.thaiWords, ...l.thaiRuns];
    const links = ['', ...[...LINKS].filter((w) => /[\u0E00-\u0E7F]/u.test(w))];
    found = thai(lex.handoverRequests).flatMap((r) => links.flatMap((k) => thai(lex.handoverPeople).map((p) => r + k + p)));
    THAI_REQUESTS.set(lex, found);
  }
  return found;
}

/** The words less those inside one of `runs` (compact, as the lexicon keeps them). */
function withoutRuns(words: string[], runs: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    let end = 0;
    for (let j = Math.min(words.length, i + RUN_WORDS); j > i && !end; j--) if (runs.has(words.slice(i, j).join(''))) end = j;
    if (end) i = end - 1;
    else kept.push(words[i]!);
  }
  return kept;
}
