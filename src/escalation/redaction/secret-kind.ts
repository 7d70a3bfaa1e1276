/** What a secret found is, and what stands in its place once it is hidden. */

export type SecretKind = 'password' | 'otp' | 'token';

export interface Redacted {
  text: string;
  kinds: SecretKind[];
}

export const MASK: Record<SecretKind, string> = {
  password: '[password removed]',
  otp: '[code removed]',
  token: '[token removed]',
};

/**
 * Given by redact() to each detector: records that a secret of this kind was found and returns
 * what the detector writes in its place while the other patterns still run.
 */
export type MarkSecret = (kind: SecretKind) => string;
