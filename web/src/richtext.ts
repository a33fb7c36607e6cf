// Turns untrusted text into DOM nodes: text only (never HTML), http(s) URLs as safe links, **bold**.

const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}»“”’]+$/;

function safeHref(candidate: string): string | undefined {
  try {
    const url = new URL(candidate);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function appendLinkified(parent: Node, text: string, newTabHint: string): void {
  const doc = parent.ownerDocument ?? document;
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    const raw = match[0].replace(TRAILING_PUNCTUATION, "");
    const href = safeHref(raw);
    if (!href) continue;
    parent.appendChild(doc.createTextNode(text.slice(last, start)));
    const link = doc.createElement("a");
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = raw;
    const hint = doc.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = ` ${newTabHint}`;
    link.appendChild(hint);
    parent.appendChild(link);
    last = start + raw.length;
  }
  parent.appendChild(doc.createTextNode(text.slice(last)));
}

export function renderRichText(parent: HTMLElement, text: string, newTabHint: string): void {
  // With a capturing group, odd indices of split() are the **bold** parts.
  text.split(/(\*\*[^*\n]+\*\*)/).forEach((part, index) => {
    if (index % 2 === 1) {
      const strong = parent.ownerDocument.createElement("strong");
      appendLinkified(strong, part.slice(2, -2), newTabHint);
      parent.appendChild(strong);
    } else if (part) {
      appendLinkified(parent, part, newTabHint);
    }
  });
}
