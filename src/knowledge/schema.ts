import { z } from 'zod';

/** Platforms a store can be connected from; `all` marks an entry that applies to every platform. */
export const PLATFORMS = [
  'shopee',
  'lazada',
  'tiktok',
  'thisshop',
  'lineshopping',
  'woocommerce',
  'shopify',
  'shopline',
  'facebook',
] as const;
export type Platform = (typeof PLATFORMS)[number];

/** How each platform's name is written to sellers and to support. */
export const PLATFORM_NAMES: Record<Platform, string> = {
  shopee: 'Shopee',
  lazada: 'Lazada',
  tiktok: 'TikTok Shop',
  thisshop: 'Thisshop',
  lineshopping: 'LINE SHOPPING',
  woocommerce: 'WooCommerce',
  shopify: 'Shopify',
  shopline: 'SHOPLINE',
  facebook: 'Facebook',
};

export const LANGUAGES = ['th', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const nonEmpty = z.string().trim().min(1, 'must not be empty');
/** A phrase in a list; YAML reads 555 or 365 as numbers, which support staff should not have to quote. */
const phrase = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.string().min(1, 'must not be empty'));

const imageSlot = z
  .object({
    caption: nonEmpty,
    // The seed article's screenshots were not supplied: a slot may exist without a URL.
    url: z.string().url('must be a full URL').optional(),
  })
  .strict();

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** LINE's button labels hold 20 characters as a reader counts them (a Thai vowel mark is no extra one). */
export const LABEL_MAX = 20;

const localized = z
  .object({
    title: nonEmpty,
    /**
     * The title on a button (LINE's hold 20 characters): "did you mean" between two Lazada
     * articles showed two buttons cut to the same "เชื่อมต่อร้าน Lazada…". Without one the title is cut.
     */
    label: nonEmpty.refine((s) => [...graphemes.segment(s)].length <= LABEL_MAX, `at most ${LABEL_MAX} characters (LINE cuts longer button labels)`).optional(),
    /** How sellers really describe the problem; the matcher learns from these. */
    symptoms: z.array(phrase).min(5, 'needs at least 5 example phrasings'),
    /** Menu path shown above the steps, e.g. Settings > Connection Center > Connect Store. */
    menuPath: nonEmpty.optional(),
    steps: z.array(nonEmpty).min(1, 'needs at least one step'),
    notes: z.array(nonEmpty).default([]),
    images: z.array(imageSlot).default([]),
  })
  .strict();

const errorCode = z
  .string()
  .regex(/^[A-Za-z0-9_]+$/, 'error codes are written like INTERNAL_DATA_ERROR (letters, digits, underscores)');

export const topicSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lower-case words joined by hyphens'),
    platforms: z
      .array(z.enum([...PLATFORMS, 'all']))
      .min(1, 'name at least one platform, or "all"'),
    errorCodes: z.array(errorCode).default([]),
    /** Alternative spellings of the error codes that are not just the code with spaces. */
    errorAliases: z.array(nonEmpty).default([]),
    /** A more general topic this one refines (e.g. a Shopee-only reason for "expired"). */
    specialises: z.string().optional(),
    related: z.array(z.string()).default([]),
    support: z
      .object({
        /** The fix may need BigSeller support (offer a hand-over after the steps). */
        mayNeed: z.boolean(),
        /** The step (1-based) after which support is needed, when only part of the fix does. */
        afterStep: z.number().int().positive().optional(),
        /** Support must collect account credentials through its own secure channel, never the chat. */
        needsAccountCredentials: z.boolean().default(false),
      })
      .strict()
      .default({ mayNeed: false, needsAccountCredentials: false }),
    /** True when the fix is an inference from public documentation that support has not confirmed. */
    reviewNeeded: z.boolean().default(false),
    sources: z.array(nonEmpty).min(1, 'keep at least one source'),
    th: localized,
    en: localized,
  })
  .strict();

export type Topic = z.infer<typeof topicSchema>;
export type LocalizedTopic = Topic['th'];

/**
 * Values an article may name as {{name}}, filled when the article is shown (fillPlaceholders):
 * supportEmail is the configured SUPPORT_EMAIL, the address hand-overs are sent to, so the
 * article never shows another one.
 */
export const PLACEHOLDERS = ['supportEmail'] as const;
export type PlaceholderValues = Record<(typeof PLACEHOLDERS)[number], string>;

/** {{name}}, spaces inside the braces allowed; the name is the first group. */
export const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

const fill = (text: string, values: PlaceholderValues) =>
  text.includes('{{') ? text.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? values[name as keyof PlaceholderValues] : whole)) : text;

/** An article's text with its placeholders filled: the fields that are shown as the article (steps, notes, menu path, captions). */
/**
 * The family a topic belongs to: the general topic it specialises, else itself. Articles of one
 * family are one answer told more or less precisely, not rival answers.
 */
export function familyOf(topics: ReadonlyMap<string, Topic>, id: string): string {
  return topics.get(id)?.specialises ?? id;
}

export function fillPlaceholders(l: LocalizedTopic, values: PlaceholderValues): LocalizedTopic {
  return {
    ...l,
    menuPath: l.menuPath === undefined ? undefined : fill(l.menuPath, values),
    steps: l.steps.map((s) => fill(s, values)),
    notes: l.notes.map((n) => fill(n, values)),
    images: l.images.map((img) => ({ ...img, caption: fill(img.caption, values) })),
  };
}

export const lexiconSchema = z
  .object({
    /** Spellings of each platform as sellers write them (Thai, English, typos, short forms). */
    platforms: z.record(z.enum(PLATFORMS), z.array(phrase).min(1)),
    /** Groups of words that mean the same thing; the first word names the group. */
    synonyms: z.array(z.array(phrase).min(2)).default([]),
    /** Words that carry no meaning for matching (particles, pronouns, filler). */
    stopwords: z.object({ th: z.array(phrase), en: z.array(phrase) }).strict(),
    /** Phrases that mean "let me talk to a person". */
    handoverPhrases: z.array(phrase).min(1),
    /**
     * A request for a person said in other words: a word for the people of support and a word
     * that asks, anywhere in the message ("อยากให้เจ้าหน้าที่ช่วยดูค่ะ", "can an agent check it").
     */
    handoverPeople: z.array(phrase).default([]),
    /**
     * Words that put a message about a store connection ("หลุด", "เชื่อม", "expired"): with one
     * of them, a platform or an error code, a message is never told it is off-topic.
     */
    connectionWords: z.array(phrase).default([]),
    handoverAsks: z.array(phrase).default([]),
    /** The store working again ("เชื่อมได้แล้ว", "works now"): with thanks and no negation, a closing. */
    workingWords: z.array(phrase).default([]),
    /**
     * What a page says when it worked ("สำเร็จ", "successfully") and when something failed
     * ("ไม่สำเร็จ", "failed"): a screenshot with the first and none of the second shows no problem.
     */
    successWords: z.array(phrase).default([]),
    failureWords: z.array(phrase).default([]),
    /** Words that keep a report of a fix from being one ("ไม่", "ยัง", "แต่", "still", "but"). */
    negations: z.array(phrase).default([]),
    /** Words that ask for the person named right after them, however long the message ("ขอเจ้าหน้าที่"). */
    handoverRequests: z.array(phrase).default([]),
    /** People who are not support ("คนอื่น", "someone else"): no request for a person. */
    otherPeople: z.array(phrase).default([]),
    /**
     * "Can X be connected?": a message with one of capabilityAsks and a platform (or the word
     * platform), and none of problemWords or an error code, asks which platforms are supported;
     * "X เชื่อมไม่ได้" (X cannot connect) reports a fault.
     */
    capabilityAsks: z.array(phrase).default([]),
    /**
     * Sales channels BigSeller does not connect ("ไอจี", "NocNoc", "Amazon"): asked about with one
     * of capabilityAsks, like a platform's name, the question is which platforms are supported.
     */
    otherChannels: z.array(phrase).default([]),
    /**
     * A store's connection lost or run out ("หลุด", "หมดอายุ", "expired"; not "reconnect", which a
     * failed reconnection says too): said with nothing another article explains better, the
     * expired-connection family answers.
     */
    expiryWords: z.array(phrase).default([]),
    problemWords: z.array(phrase).default([]),
    /** Words that make a message a question: thanks followed by one is not a goodbye. */
    questionWords: z.array(phrase).default([]),
    /**
     * Things that expire besides a store's connection ("คูปอง", "voucher", "บัตรเครดิต"): "expired"
     * said of one of them, with no word of `storeWords` and no error code, is not about a
     * connection ("คูปองส่วนลดหมดอายุ ต่ออายุได้ไหม").
     */
    otherExpiries: z.array(phrase).default([]),
    otherConnections: z.array(phrase).default([]),
    onlyWords: z.array(phrase).default([]),
    /** Words that only order problems named before ("เริ่มจาก lazada ก่อน", "now shopee"): no problem of their own. */
    sequenceWords: z.array(phrase).default([]),
    /**
     * Words that weigh one cause against another ("ไม่รู้ว่าติดยืนยันตัวตนหรือว่า otp", "either the
     * password or the account"): when two topics' own words are both in the message and neither
     * is far ahead, the seller is asked which, not answered with one.
     */
    eitherWords: z.array(phrase).default([]),
    /** Words for a store and its connection other than its expiry (ร้าน, เชื่อม, authorize, token). */
    storeWords: z.array(phrase).default([]),
    /** Small talk: greetings, thanks and goodbyes, answered kindly but never with an article. */
    smallTalk: z
      .object({
        greetings: z.array(phrase),
        thanks: z.array(phrase),
        goodbyes: z.array(phrase).default([]),
        /** "ok", "เข้าใจแล้ว": thanks when alone, but they start requests too ("ok ส่งให้ support"). */
        acknowledgements: z.array(phrase).default([]),
        /** "ขอโทษค่ะ กดผิด", "sorry, typo": nothing to answer but "no problem". */
        apologies: z.array(phrase).default([]),
      })
      .strict(),
  })
  .strict();

export type Lexicon = z.infer<typeof lexiconSchema>;

/**
 * Messages the bot must not answer with an article (other BigSeller features, chit-chat).
 * The matcher ranks them like a topic: when they explain a message best, the answer is "none".
 */
export const outOfScopeSchema = z
  .object({
    th: z.array(phrase).min(10, 'needs at least 10 examples'),
    en: z.array(phrase).min(10, 'needs at least 10 examples'),
  })
  .strict();

export type OutOfScope = z.infer<typeof outOfScopeSchema>;

/** What a seller's typed answer to one of the bot's questions does (knowledge/replies.yaml). */
export const REPLY_ACTS = ['yes', 'no', 'send', 'change-email', 'cancel', 'later', 'skip', 'thanks', 'fixed', 'not-fixed', 'person', 'password-next', 'menu', 'bot', 'another-question', 'unsure', 'first-choice', 'second-choice', 'third-choice', 'last-choice'] as const;
export type ReplyAct = (typeof REPLY_ACTS)[number];

/** What words tell wherever they stand in a short sentence (knowledge/replies.yaml's cues). */
export const CUES = ['not-fixed', 'fixed', 'tried', 'another-way', 'what-next', 'still', 'negation', 'question', 'alternative', 'question-start', 'send-to-support', 'mentions-email', 'no-email', 'change-email', 'check-stores', 'store-status', 'store-ok', 'picture', 'dont-send', 'wants-call', 'ticket-number', 'my-tickets', 'contrast', 'changed-since', 'same', 'later-on', 'cant-find', 'not-understood', 'bot-complaint', 'picture-coming', 'thanks', 'reply-time', 'what-is-needed', 'wonders-send', 'edit-description', 'stop-reminders', 'resume-reminders', 'asks-if-bot', 'nothing-more', 'how-to', 'question-anywhere', 'check-myself'] as const;
export type Cue = (typeof CUES)[number];

const phrasesByLanguage = z.object({ th: z.array(phrase).default([]), en: z.array(phrase).default([]) }).strict();

/** How sellers answer the bot's own questions: phrasings per reply act, and words that say nothing. */
export const repliesSchema = z
  .object({
    ignore: phrasesByLanguage,
    acts: z.record(z.enum(REPLY_ACTS), phrasesByLanguage),
    cues: z.record(z.enum(CUES), phrasesByLanguage).optional(),
  })
  .strict();

export type Replies = z.infer<typeof repliesSchema>;
