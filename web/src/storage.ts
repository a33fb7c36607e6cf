// Persists the session (sender id, open state, history, unsent messages) in sessionStorage,
// so a reload restores the conversation; falls back to memory when storage is unavailable.
import { type Message, type SessionState, randomId } from "./model";

const KEY = "lotse-widget:v1";
const MAX_MESSAGES = 200;

function isMessage(value: unknown): value is Message {
  if (!value || typeof value !== "object") return false;
  const m = value as Record<string, unknown>;
  if (typeof m.id !== "string" || typeof m.text !== "string") return false;
  if (m.role === "bot") return Array.isArray(m.buttons);
  return m.role === "user" && typeof m.payload === "string" && typeof m.state === "string";
}

function parse(raw: string | null): SessionState | undefined {
  if (!raw) return undefined;
  try {
    const data: unknown = JSON.parse(raw);
    if (!data || typeof data !== "object") return undefined;
    const s = data as Record<string, unknown>;
    if (typeof s.sender !== "string" || !/^[0-9a-f]{32}$/.test(s.sender) || !Array.isArray(s.messages)) {
      return undefined;
    }
    return { sender: s.sender, open: s.open === true, messages: s.messages.filter(isMessage) };
  } catch {
    return undefined;
  }
}

export class SessionStore {
  private memory: string | null = null;

  load(): SessionState {
    const state = parse(this.read()) ?? { sender: randomId(), open: false, messages: [] };
    // A request that was in flight when the page went away may have reached the bot: never resend it silently.
    for (const m of state.messages) {
      if (m.role === "user" && m.state === "sending") m.state = "unconfirmed";
    }
    return state;
  }

  save(state: SessionState): void {
    const trimmed: SessionState = { ...state, messages: state.messages.slice(-MAX_MESSAGES) };
    const raw = JSON.stringify(trimmed);
    try {
      sessionStorage.setItem(KEY, raw);
    } catch {
      this.memory = raw;
    }
  }

  private read(): string | null {
    try {
      return sessionStorage.getItem(KEY) ?? this.memory;
    } catch {
      return this.memory;
    }
  }
}
