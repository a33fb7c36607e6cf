// Interface strings; the widget follows the page language (de/en).
import type { Language } from "./config";

export interface Strings {
  launcher: string;
  title: string;
  notice: string;
  close: string;
  human: string;
  logLabel: string;
  emptyHint: string;
  inputLabel: string;
  placeholder: string;
  send: string;
  you: string;
  bot: string;
  typing: string;
  sending: string;
  notSent: string;
  retrying: string;
  retry: string;
  rejected: string;
  suggestions: string;
  newTab: string;
  helpful: string;
  notHelpful: string;
  feedbackLabel: string;
  missingLabel: string;
}

const de: Strings = {
  launcher: "Chat mit Lotse",
  title: "Lotse – Fachkräfte-Assistent",
  notice: "Automatisierter Assistent: Sie schreiben mit einem Programm, nicht mit einem Menschen.",
  close: "Chat schließen",
  human: "Mit einem Menschen sprechen",
  logLabel: "Gesprächsverlauf",
  emptyHint: "Stellen Sie Ihre Frage, zum Beispiel „Was kannst du?“",
  inputLabel: "Ihre Nachricht",
  placeholder: "Nachricht schreiben …",
  send: "Senden",
  you: "Sie",
  bot: "Lotse",
  typing: "Lotse schreibt",
  sending: "Wird gesendet …",
  notSent: "Nicht gesendet.",
  retrying: "Nicht gesendet – neuer Versuch folgt.",
  retry: "Erneut senden",
  rejected: "Diese Nachricht konnte nicht angenommen werden (zu lang?).",
  suggestions: "Antwortvorschläge",
  newTab: "(öffnet in neuem Tab)",
  helpful: "Hilfreich",
  notHelpful: "Nicht hilfreich",
  feedbackLabel: "War diese Antwort hilfreich?",
  missingLabel: "Was hat gefehlt? (freiwillig, bitte ohne Namen oder Kontaktdaten)",
};

const en: Strings = {
  launcher: "Chat with Lotse",
  title: "Lotse – skilled worker assistant",
  notice: "Automated assistant: you are writing to a program, not a person.",
  close: "Close chat",
  human: "Talk to a person",
  logLabel: "Conversation",
  emptyHint: "Ask your question, for example “What can you do?”",
  inputLabel: "Your message",
  placeholder: "Write a message …",
  send: "Send",
  you: "You",
  bot: "Lotse",
  typing: "Lotse is typing",
  sending: "Sending …",
  notSent: "Not sent.",
  retrying: "Not sent – trying again shortly.",
  retry: "Retry",
  rejected: "This message could not be accepted (too long?).",
  suggestions: "Suggested replies",
  newTab: "(opens in a new tab)",
  helpful: "Helpful",
  notHelpful: "Not helpful",
  feedbackLabel: "Was this answer helpful?",
  missingLabel: "What was missing? (optional, please no names or contact details)",
};

export function stringsFor(language: Language): Strings {
  return language === "en" ? en : de;
}
