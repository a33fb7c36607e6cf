// The conversation as it is stored and rendered.

export interface BotButton {
  title: string;
  payload: string;
}

/**
 * queued: waiting for its turn; sending: request in flight; failed: no connection, retried with
 * backoff; unconfirmed: it may have reached the bot (server error, timeout, or the page was left while
 * it was in flight), so it is resent only on the user's request; sent: acknowledged by the bot;
 * rejected: refused (4xx), not retried.
 */
export type DeliveryState = "queued" | "sending" | "failed" | "unconfirmed" | "sent" | "rejected";

export interface UserMessage {
  role: "user";
  /** Client message id: kept until the bot acknowledges the message, so it is never sent twice. */
  id: string;
  text: string;
  payload: string;
  state: DeliveryState;
}

/** Under a factual answer: what the bot needs back with a 👍 / 👎 (actions/insights.py feedback_offer). */
export interface FeedbackOffer {
  topic: string;
  language: string;
  knowledge_version: string;
}

export interface BotMessage {
  role: "bot";
  id: string;
  text: string;
  buttons: BotButton[];
  feedback?: FeedbackOffer;
}

export type Message = UserMessage | BotMessage;

export interface SessionState {
  sender: string;
  open: boolean;
  messages: Message[];
}

/** 128 random bits as hex; used for the sender id and client message ids. */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
