// The widget's DOM inside a shadow root: launcher, non-modal dialog, live log, input.
// Messages are appended incrementally so the live region announces only what is new.
import { accentOn, textColourOn } from "./colours";
import type { WidgetConfig } from "./config";
import type { Conversation } from "./conversation";
import type { Strings } from "./i18n";
import type { BotMessage, DeliveryState, UserMessage } from "./model";
import { renderRichText } from "./richtext";
import { WIDGET_CSS } from "./styles";

const REQUEST_HUMAN_PAYLOAD = "/request_human";
const BOT_BUBBLE_BACKGROUND = "#eef1f4";
const SVG_NS = "http://www.w3.org/2000/svg";

type Attrs = Record<string, string>;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function chatIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z");
  svg.appendChild(path);
  return svg;
}

function applyStyles(shadow: ShadowRoot): void {
  if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet.prototype.replaceSync === "function") {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.appendChild(el("style", {}, WIDGET_CSS));
  }
}

export class WidgetView {
  private readonly root: HTMLDivElement;
  private readonly launcher: HTMLButtonElement;
  private readonly panel: HTMLDivElement;
  private readonly log: HTMLDivElement;
  private readonly hint: HTMLParagraphElement;
  private readonly typing: HTMLParagraphElement;
  private readonly input: HTMLInputElement;
  private readonly rendered = new Map<string, HTMLElement>();
  private readonly renderedState = new Map<string, DeliveryState>();

  constructor(
    host: HTMLElement,
    config: WidgetConfig,
    private readonly t: Strings,
    private readonly conversation: Conversation,
  ) {
    const shadow = host.attachShadow({ mode: "open" });
    applyStyles(shadow);
    host.style.setProperty("--lotse-primary", config.primaryColour);
    host.style.setProperty("--lotse-on-primary", textColourOn(config.primaryColour));
    host.style.setProperty("--lotse-accent", accentOn(BOT_BUBBLE_BACKGROUND, config.primaryColour));

    this.root = el("div", { class: config.position === "bottom-left" ? "root left" : "root", lang: config.language });
    this.launcher = el("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "lotse-panel" });
    this.launcher.append(chatIcon(), el("span", {}, this.t.launcher));

    this.panel = el("div", { id: "lotse-panel", class: "panel", role: "dialog", "aria-labelledby": "lotse-title" });
    this.panel.hidden = true;
    const header = el("div", { class: "header" });
    const close = el("button", { type: "button", class: "close", "aria-label": this.t.close }, "×");
    header.append(el("h2", { id: "lotse-title", class: "title" }, this.t.title), close);

    this.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": this.t.logLabel, tabindex: "0" });
    this.hint = el("p", { class: "hint" }, this.t.emptyHint);
    this.log.append(this.hint);

    this.typing = el("p", { class: "typing" }, this.t.typing);
    this.typing.hidden = true;
    const dots = el("span", { class: "dots", "aria-hidden": "true" });
    dots.append(el("span", {}, "."), el("span", {}, "."), el("span", {}, "."));
    this.typing.append(" ", dots);

    const footer = el("div", { class: "footer" });
    const human = el("button", { type: "button", class: "human" }, this.t.human);
    const form = el("form", { class: "form" });
    this.input = el("input", {
      id: "lotse-input",
      class: "input",
      type: "text",
      autocomplete: "off",
      maxlength: String(config.maxLength),
      placeholder: this.t.placeholder,
    });
    form.append(
      el("label", { for: "lotse-input", class: "visually-hidden" }, this.t.inputLabel),
      this.input,
      el("button", { type: "submit", class: "send" }, this.t.send),
    );
    footer.append(human, form);

    this.panel.append(header, el("p", { class: "notice" }, this.t.notice), this.log, this.typing, footer);
    this.root.append(this.launcher, this.panel);
    shadow.append(this.root);

    this.launcher.addEventListener("click", () => this.setOpen(!this.conversation.state.open, true));
    close.addEventListener("click", () => this.closeAndReturnFocus());
    this.root.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.conversation.state.open) {
        event.stopPropagation();
        this.closeAndReturnFocus();
      }
    });
    human.addEventListener("click", () => this.conversation.send(this.t.human, REQUEST_HUMAN_PAYLOAD));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      this.conversation.send(text);
    });

    conversation.onChange(() => this.render());
    this.render();
    this.setOpen(conversation.state.open, false);
  }

  private setOpen(open: boolean, moveFocus: boolean): void {
    this.panel.hidden = !open;
    this.root.classList.toggle("open", open);
    this.launcher.setAttribute("aria-expanded", String(open));
    if (open !== this.conversation.state.open) this.conversation.setOpen(open);
    if (open) {
      this.scrollToEnd();
      if (moveFocus) this.input.focus();
    }
  }

  private closeAndReturnFocus(): void {
    this.setOpen(false, false);
    this.launcher.focus();
  }

  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  private render(): void {
    const messages = this.conversation.messages;
    let lastUser = -1;
    messages.forEach((m, i) => {
      if (m.role === "user") lastUser = i;
    });
    const wasAtEnd = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 8;
    let appended = false;
    messages.forEach((message, index) => {
      let node = this.rendered.get(message.id);
      if (!node) {
        node = message.role === "user" ? this.userNode(message) : this.botNode(message, index > lastUser);
        this.rendered.set(message.id, node);
        this.log.append(node);
        appended = true;
      }
      if (message.role === "user") this.updateStatus(node, message);
      else if (index < lastUser) this.dropChoices(node);
    });
    if (messages.length) this.hint.remove();
    this.typing.hidden = !this.conversation.waiting;
    if (appended || wasAtEnd) this.scrollToEnd(); // stay at the end when the typing line resizes the log
  }

  private userNode(message: UserMessage): HTMLElement {
    const node = el("div", { class: "msg user" });
    const bubble = el("p", { class: "bubble" });
    bubble.append(el("span", { class: "visually-hidden" }, `${this.t.you}: `));
    renderRichText(bubble, message.text, this.t.newTab);
    node.append(bubble, el("p", { class: "status" }));
    return node;
  }

  private botNode(message: BotMessage, withChoices: boolean): HTMLElement {
    const node = el("div", { class: "msg bot" });
    if (message.text) {
      const bubble = el("p", { class: "bubble" });
      bubble.append(el("span", { class: "visually-hidden" }, `${this.t.bot}: `));
      renderRichText(bubble, message.text, this.t.newTab);
      node.append(bubble);
    }
    if (withChoices && message.buttons.length) {
      const group = el("div", { class: "choices", role: "group", "aria-label": this.t.suggestions });
      for (const button of message.buttons) {
        const choice = el("button", { type: "button", class: "choice" }, button.title);
        choice.addEventListener("click", () => {
          this.conversation.send(button.title, button.payload);
          this.input.focus(); // the choices disappear with the answer; keep focus in the dialog
        });
        group.append(choice);
      }
      node.append(group);
    }
    if (withChoices && message.feedback) node.append(this.feedbackNode(message));
    return node;
  }

  /** 👍 sends at once; 👎 opens one optional line (max. 300 characters) with its own send button. */
  private feedbackNode(message: BotMessage): HTMLElement {
    const group = el("div", { class: "feedback", role: "group", "aria-label": this.t.feedbackLabel });
    const up = el("button", { type: "button", class: "choice vote", "aria-label": this.t.helpful, title: this.t.helpful }, "👍");
    const down = el("button", { type: "button", class: "choice vote", "aria-label": this.t.notHelpful, title: this.t.notHelpful }, "👎");
    up.addEventListener("click", () => {
      this.conversation.sendFeedback(message, "up", "👍");
      this.input.focus();
    });
    down.addEventListener("click", () => {
      const form = el("form", { class: "missing" });
      const inputId = `lotse-missing-${message.id}`;
      const line = el("input", { id: inputId, class: "input", type: "text", maxlength: "300", autocomplete: "off" });
      form.append(el("label", { for: inputId }, this.t.missingLabel), line, el("button", { type: "submit", class: "send" }, this.t.send));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.conversation.sendFeedback(message, "down", "👎", line.value.trim());
        this.input.focus();
      });
      group.replaceChildren(form);
      line.focus();
    });
    group.append(up, down);
    return group;
  }

  private dropChoices(node: HTMLElement): void {
    node.querySelector(".choices")?.remove();
    node.querySelector(".feedback")?.remove();
  }

  private updateStatus(node: HTMLElement, message: UserMessage): void {
    if (this.renderedState.get(message.id) === message.state) return;
    this.renderedState.set(message.id, message.state);
    const status = node.querySelector<HTMLElement>(".status");
    if (!status) return;
    status.replaceChildren();
    status.className = "status";
    status.removeAttribute("aria-hidden");
    node.dataset.state = message.state;
    switch (message.state) {
      case "queued":
      case "sending":
        status.textContent = this.t.sending;
        status.setAttribute("aria-hidden", "true"); // announced only if it fails
        break;
      case "failed":
      case "unconfirmed": {
        status.classList.add("error");
        const retry = el("button", { type: "button", class: "retry" }, this.t.retry);
        retry.addEventListener("click", () => {
          this.input.focus(); // the retry button disappears once the message is queued again
          this.conversation.retry();
        });
        status.append(el("span", {}, message.state === "failed" ? this.t.retrying : this.t.notSent), retry);
        break;
      }
      case "rejected":
        status.classList.add("error");
        status.textContent = this.t.rejected;
        break;
      case "sent":
        break;
    }
  }
}
