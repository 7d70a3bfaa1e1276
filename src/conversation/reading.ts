import { withoutMasks, type SecretKind } from '../escalation/redact';
import type { Explained } from '../matching/matcher';

/**
 * One typed message as the engine and the dialogs read it: the masked text, what was masked,
 * and what the matcher finds in it, worked out the first time a step asks (a reply the dialog
 * reads from its words alone costs no match).
 */
export class Reading {
  /** The masked text, trimmed: what a reply is read from. */
  readonly typed: string;
  private found?: Explained;
  private remembered = false;

  constructor(
    /** The masked text as the seller wrote it. */
    readonly text: string,
    readonly kinds: SecretKind[],
    private readonly explain: (text: string) => Explained,
    private readonly memorise: (m: Explained) => void,
  ) {
    this.typed = text.trim();
  }

  /** The message as the matcher reads it ("[password removed]" is the bot's words: left out). */
  get m(): Explained {
    this.found ??= this.explain(this.kinds.length > 0 ? withoutMasks(this.text) : this.text);
    return this.found;
  }

  /** A better reading of the same message (with the words of the turn before). */
  set m(better: Explained) {
    this.found = better;
  }

  /** What the matcher found joins the conversation's memory, once whoever asks first. */
  remember(): void {
    if (this.remembered) return;
    this.remembered = true;
    this.memorise(this.m);
  }
}
