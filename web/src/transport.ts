// Rasa REST channel client: POST {botUrl}/webhooks/rest/webhook, and …/untold for status notices.
import type { Language } from "./config";
import type { BotButton, FeedbackOffer } from "./model";

export interface BotReply {
  text: string;
  buttons: BotButton[];
  feedback?: FeedbackOffer;
}

/**
 * ok: answered; rejected: refused (4xx), pointless to resend; offline: the request did not get through,
 * safe to resend; unconfirmed: the bot may have processed it (5xx, timeout), resend only if the user asks.
 */
export type SendResult =
  | { kind: "ok"; replies: BotReply[] }
  | { kind: "rejected" }
  | { kind: "offline" }
  | { kind: "unconfirmed" };

const TIMEOUT_MS = 60_000;

function textOrEmpty(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function toFeedbackOffer(custom: unknown): FeedbackOffer | undefined {
  const offer = (custom as { feedback?: Record<string, unknown> } | undefined)?.feedback;
  if (!offer || typeof offer.topic !== "string") return undefined;
  return {
    topic: offer.topic,
    language: textOrEmpty(offer.language),
    knowledge_version: textOrEmpty(offer.knowledge_version),
  };
}

/** Text replies in order; a feedback offer (custom JSON after an answer) goes with the answer before it. */
function toReplies(body: unknown): BotReply[] {
  if (!Array.isArray(body)) return [];
  const replies: BotReply[] = [];
  for (const item of body) {
    if (!item || typeof item !== "object") continue;
    const { text, buttons, custom } = item as { text?: unknown; buttons?: unknown; custom?: unknown };
    const offer = toFeedbackOffer(custom);
    if (offer && replies.length) replies[replies.length - 1].feedback = offer;
    const cleanButtons = Array.isArray(buttons)
      ? buttons.filter(
          (b): b is BotButton => !!b && typeof b.title === "string" && typeof b.payload === "string",
        )
      : [];
    const cleanText = typeof text === "string" ? text : "";
    if (cleanText || cleanButtons.length) replies.push({ text: cleanText, buttons: cleanButtons });
  }
  return replies;
}

export class RestTransport {
  constructor(
    private readonly botUrl: string,
    private readonly sender: string,
    private readonly language: Language,
  ) {}

  async send(message: string): Promise<SendResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(`${this.botUrl}/webhooks/rest/webhook`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: this.sender, message, metadata: { language: this.language } }),
        credentials: "omit",
        signal: controller.signal,
      });
      if (response.status === 408 || response.status === 429) return { kind: "offline" }; // not processed
      if (response.status >= 400 && response.status < 500) return { kind: "rejected" };
      if (!response.ok) return { kind: "unconfirmed" };
      // Delivered: a malformed body must not lead to a resend.
      return { kind: "ok", replies: toReplies(await response.json().catch(() => [])) };
    } catch {
      return controller.signal.aborted ? { kind: "unconfirmed" } : { kind: "offline" };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Status notices this conversation has not heard yet (asked while the widget is open); [] on any failure. */
  async untold(): Promise<BotReply[]> {
    try {
      const response = await fetch(`${this.botUrl}/webhooks/rest/untold`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: this.sender }),
        credentials: "omit",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      return response.ok ? toReplies(await response.json().catch(() => [])) : [];
    } catch {
      return [];
    }
  }
}
