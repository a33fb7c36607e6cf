// Conversation state and the outbox: user messages are sent one at a time, in order; a send that did
// not get through is retried with exponential backoff (or at once when the browser comes back online
// or the user asks); one that may have reached the bot waits for the user; an acknowledged message is
// never sent again.
import type { BotMessage, DeliveryState, Message, SessionState, UserMessage } from "./model";
import { randomId } from "./model";
import type { SessionStore } from "./storage";
import type { RestTransport } from "./transport";

const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

export class Conversation {
  private busy = false;
  private polling = false;
  private leaving = false;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private noticeTimer: ReturnType<typeof setInterval> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly state: SessionState,
    private readonly store: SessionStore,
    private readonly transport: RestTransport,
    private readonly noticePollMs: number,
  ) {
    window.addEventListener("online", () => this.requeue(["failed"]));
    document.addEventListener("visibilitychange", () => this.watchNotices());
    window.addEventListener("pagehide", () => {
      this.leaving = true;
    });
    window.addEventListener("pageshow", () => this.returned());
  }

  /** Back from the back/forward cache: a request cut off by leaving may have reached the bot. */
  private returned(): void {
    if (!this.leaving) return;
    this.leaving = false;
    for (const m of this.state.messages) {
      if (m.role === "user" && m.state === "sending") m.state = "unconfirmed";
    }
    this.commit();
  }

  get messages(): readonly Message[] {
    return this.state.messages;
  }

  get waiting(): boolean {
    return this.state.messages.some((m) => m.role === "user" && m.state === "sending");
  }

  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  setOpen(open: boolean): void {
    this.state.open = open;
    this.commit();
    this.watchNotices();
  }

  /**
   * While the widget is open in a visible tab, status notices of the employer's cases appear without a
   * message: asked at once, then every `noticePollMs`. A hidden tab stops asking (browsers throttle its
   * timers anyway) and asks again at once when it is shown.
   */
  private watchNotices(): void {
    clearInterval(this.noticeTimer);
    this.noticeTimer = undefined;
    if (!this.state.open || document.visibilityState !== "visible") return;
    this.noticeTimer = setInterval(() => void this.fetchNotices(), this.noticePollMs);
    void this.fetchNotices();
  }

  /** Skipped while a message is in flight: its answer brings the notices first. Never shows an error. */
  private async fetchNotices(): Promise<void> {
    if (this.busy || this.polling) return;
    this.polling = true;
    try {
      const notices = await this.transport.untold();
      for (const notice of notices) {
        this.state.messages.push({ role: "bot", id: randomId(), text: notice.text, buttons: notice.buttons });
      }
      if (notices.length) this.commit();
    } finally {
      this.polling = false;
    }
  }

  /** Queue a message: `text` is what the user sees, `payload` what the bot receives. */
  send(text: string, payload: string = text): void {
    this.state.messages.push({ role: "user", id: randomId(), text, payload, state: "queued" });
    this.commit();
    void this.pump();
  }

  /**
   * 👍 / 👎 under an answer: a payload the channel takes without NLU (channels/feedback.py); 👎 may carry
   * one line. The offer is then withdrawn, so each answer is rated once.
   */
  sendFeedback(answer: BotMessage, value: "up" | "down", shown: string, line = ""): void {
    const offer = answer.feedback;
    if (!offer) return;
    delete answer.feedback;
    const fields = { value, ...offer, ...(line ? { text: line } : {}) };
    this.send(line ? `${shown} ${line}` : shown, `/feedback${JSON.stringify(fields)}`);
  }

  /** The user's "retry": resend failed and unconfirmed messages now. */
  retry(): void {
    this.requeue(["failed", "unconfirmed"]);
  }

  private requeue(states: DeliveryState[], resetBackoff = true): void {
    for (const m of this.state.messages) {
      if (m.role === "user" && states.includes(m.state)) m.state = "queued";
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (resetBackoff) this.attempts = 0;
    this.commit();
    void this.pump();
  }

  /** Resume after a reload: queued and failed messages go out; unconfirmed ones wait for the user. */
  resume(): void {
    void this.pump();
    this.watchNotices();
  }

  private next(): UserMessage | undefined {
    return this.state.messages.find(
      (m): m is UserMessage => m.role === "user" && m.state !== "sent" && m.state !== "rejected",
    );
  }

  private async pump(): Promise<void> {
    if (this.busy || this.retryTimer !== undefined) return;
    this.busy = true;
    try {
      for (let message = this.next(); message; message = this.next()) {
        if (message.state === "unconfirmed") return; // keep order: later messages wait behind it
        message.state = "sending";
        this.commit();
        const result = await this.transport.send(message.payload);
        // A request cut off because the page is being left may have reached the bot: the stored
        // "sending" is read back as "unconfirmed", never as "failed" (which would be resent silently).
        if (this.leaving) return;
        if (result.kind === "offline") {
          message.state = "failed";
          this.commit();
          this.scheduleRetry();
          return;
        }
        this.attempts = 0;
        if (result.kind === "ok") {
          message.state = "sent";
          for (const reply of result.replies) {
            this.state.messages.push({ role: "bot", id: randomId(), ...reply });
          }
        } else {
          message.state = result.kind;
        }
        this.commit();
      }
    } finally {
      this.busy = false;
    }
  }

  private scheduleRetry(): void {
    const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempts);
    this.attempts += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.requeue(["failed"], false);
    }, delay);
  }

  private commit(): void {
    this.store.save(this.state);
    for (const listener of this.listeners) listener();
  }
}
