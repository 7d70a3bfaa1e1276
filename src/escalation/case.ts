/** The hand-over case is the conversation's to define (conversation/ports.ts); escalation files it. */
export type { EscalationCase, TicketResult, TicketSummary } from '../conversation/ports';
