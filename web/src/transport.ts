// Rasa REST channel client: POST {botUrl}/webhooks/rest/webhook, and …/untold for status notices.
import type { Language } from "./config";
import type { BotButton } from "./model";

export interface BotReply {
  text: string;
  buttons: BotButton[];
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

function toReplies(body: unknown): BotReply[] {
  if (!Array.isArray(body)) return [];
  return body.flatMap((item): BotReply[] => {
    if (!item || typeof item !== "object") return [];
    const { text, buttons } = item as { text?: unknown; buttons?: unknown };
    const cleanButtons = Array.isArray(buttons)
      ? buttons.filter(
          (b): b is BotButton => !!b && typeof b.title === "string" && typeof b.payload === "string",
        )
      : [];
    const cleanText = typeof text === "string" ? text : "";
    return cleanText || cleanButtons.length ? [{ text: cleanText, buttons: cleanButtons }] : [];
  });
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
