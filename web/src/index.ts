// Entry point: <script src="lotse-widget.js" data-bot-url="…" data-config-url="…"> or window.LotseConfig.
import { configFromScript, configFromUrl, resolveConfig } from "./config";
import { Conversation } from "./conversation";
import { stringsFor } from "./i18n";
import { SessionStore } from "./storage";
import { RestTransport } from "./transport";
import { WidgetView } from "./view";

const HOST_ID = "lotse-widget";
const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;

async function mount(): Promise<void> {
  if (document.getElementById(HOST_ID)) return; // loaded twice: keep the first widget
  const host = document.createElement("div");
  host.id = HOST_ID;
  document.body.appendChild(host);

  const fromUrl = await configFromUrl(script?.dataset.configUrl);
  const config = resolveConfig(window.LotseConfig ?? {}, fromUrl, configFromScript(script));
  const store = new SessionStore();
  const state = store.load();
  const transport = new RestTransport(config.botUrl, state.sender, config.language);
  const conversation = new Conversation(state, store, transport, config.noticePollSeconds * 1000);
  // oxlint-disable-next-line no-new -- the view attaches itself to the host and lives as long as the page
  new WidgetView(host, config, stringsFor(config.language), conversation);
  conversation.resume();
}

function start(): void {
  mount().catch((error: unknown) => console.error("[lotse] widget failed to start", error));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
else start();
