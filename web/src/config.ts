// Widget configuration: defaults < window.LotseConfig < JSON from data-config-url < data-* attributes.
import { normaliseHexColour } from "./colours";

export type Language = "de" | "en";
export type Position = "bottom-right" | "bottom-left";

export interface WidgetConfig {
  botUrl: string;
  language: Language;
  primaryColour: string;
  position: Position;
  maxLength: number;
  /** How often the open widget asks for status notices (POST …/webhooks/rest/untold). */
  noticePollSeconds: number;
}

/** What a host page may set; every field optional and loosely typed until validated. */
export type RawConfig = Record<string, unknown>;

declare global {
  interface Window {
    LotseConfig?: RawConfig;
  }
}

const DEFAULT_BOT_URL = "http://localhost:5005";
const DEFAULT_PRIMARY = "#0b5394";
const DEFAULT_MAX_LENGTH = 1000;
const DEFAULT_NOTICE_POLL_SECONDS = 15;
const MIN_NOTICE_POLL_SECONDS = 1; // a misconfiguration must not hammer the bot

export function languageOf(value: unknown): Language | undefined {
  if (typeof value !== "string") return undefined;
  const tag = value.trim().toLowerCase();
  if (tag.startsWith("en")) return "en";
  if (tag.startsWith("de")) return "de";
  return undefined;
}

function botUrlOf(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  try {
    const url = new URL(value, document.baseURI);
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    return url.href.replace(/\/+$/, "");
  } catch {
    return undefined;
  }
}

function positionOf(value: unknown): Position | undefined {
  return value === "bottom-left" || value === "bottom-right" ? value : undefined;
}

function maxLengthOf(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : undefined;
}

function noticePollSecondsOf(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n >= MIN_NOTICE_POLL_SECONDS ? n : undefined;
}

/**
 * Reads `data-bot-url`, `data-language`, `data-primary-colour` (or -color), `data-position`,
 * `data-max-length`, `data-notice-poll-seconds`.
 */
export function configFromScript(script: HTMLScriptElement | null): RawConfig {
  if (!script) return {};
  const d = script.dataset;
  const raw: RawConfig = {};
  if (d.botUrl !== undefined) raw.botUrl = d.botUrl;
  if (d.language !== undefined) raw.language = d.language;
  const colour = d.primaryColour ?? d.primaryColor;
  if (colour !== undefined) raw.primaryColour = colour;
  if (d.position !== undefined) raw.position = d.position;
  if (d.maxLength !== undefined) raw.maxLength = d.maxLength;
  if (d.noticePollSeconds !== undefined) raw.noticePollSeconds = d.noticePollSeconds;
  return raw;
}

/** Fetches a JSON config object (e.g. the demo page's `demo-config.json`); `{}` when unavailable. */
export async function configFromUrl(url: string | undefined): Promise<RawConfig> {
  if (!url) return {};
  try {
    const response = await fetch(new URL(url, document.baseURI).href, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body: unknown = await response.json();
    if (body && typeof body === "object" && !Array.isArray(body)) return body as RawConfig;
    throw new Error("not a JSON object");
  } catch (error) {
    console.warn("[lotse] could not load config from", url, error);
    return {};
  }
}

export function resolveConfig(...layers: RawConfig[]): WidgetConfig {
  const merged: RawConfig = Object.assign({}, ...layers);
  return {
    botUrl: botUrlOf(merged.botUrl) ?? DEFAULT_BOT_URL,
    language: languageOf(merged.language) ?? languageOf(document.documentElement.lang) ?? "de",
    primaryColour: normaliseHexColour(merged.primaryColour ?? merged.primaryColor) ?? DEFAULT_PRIMARY,
    position: positionOf(merged.position) ?? "bottom-right",
    maxLength: maxLengthOf(merged.maxLength) ?? DEFAULT_MAX_LENGTH,
    noticePollSeconds: noticePollSecondsOf(merged.noticePollSeconds) ?? DEFAULT_NOTICE_POLL_SECONDS,
  };
}
