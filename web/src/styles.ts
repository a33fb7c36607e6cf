// Widget CSS, applied inside the shadow root (as a constructed stylesheet, so a strict CSP allows it).

export const WIDGET_CSS = `
:host { all: initial; }
.root {
  position: fixed; bottom: 16px; right: 16px; z-index: 2147483000;
  display: flex; flex-direction: column-reverse; align-items: flex-end; gap: 12px;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1b1b1b; text-align: left;
}
.root.left { right: auto; left: 16px; align-items: flex-start; }
*, *::before, *::after { box-sizing: border-box; }
button, input { font: inherit; }
button { cursor: pointer; }
:focus-visible { outline: 3px solid var(--lotse-accent); outline-offset: 2px; box-shadow: 0 0 0 2px #fff; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.launcher {
  display: inline-flex; align-items: center; gap: 8px; min-height: 48px; padding: 10px 18px;
  border: 2px solid transparent; border-radius: 999px; background: var(--lotse-primary);
  color: var(--lotse-on-primary); font-weight: 600; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.3);
}
.launcher svg { width: 22px; height: 22px; fill: currentColor; flex: none; }
.panel {
  display: flex; flex-direction: column; width: min(380px, calc(100vw - 32px));
  height: min(600px, calc(100vh - 96px)); background: #fff; border: 1px solid #8a8a8a;
  border-radius: 12px; box-shadow: 0 6px 24px rgba(0, 0, 0, 0.25); overflow: hidden;
  animation: lotse-in 160ms ease-out;
}
.panel[hidden] { display: none; }
@keyframes lotse-in { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }
.header {
  display: flex; align-items: center; gap: 8px; padding: 8px 8px 8px 16px;
  background: var(--lotse-primary); color: var(--lotse-on-primary);
}
.title { flex: 1; margin: 0; font-size: 1.05em; line-height: 1.3; }
.close {
  min-width: 44px; min-height: 44px; border: 2px solid transparent; border-radius: 8px;
  background: transparent; color: inherit; font-size: 1.5em; line-height: 1;
}
.notice { margin: 0; padding: 6px 16px; background: #f1f3f6; color: #333; font-size: 0.875em; border-bottom: 1px solid #d0d4da; }
.log { flex: 1 1 auto; min-height: 8em; overflow-y: auto; padding: 12px 16px; display: flex; flex-direction: column; gap: 10px; }
.hint { margin: auto 0; color: #4a4a4a; text-align: center; }
.msg { display: flex; flex-direction: column; max-width: 88%; }
.msg.user { align-self: flex-end; align-items: flex-end; }
.msg.bot { align-self: flex-start; }
.bubble { margin: 0; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
.user .bubble { background: var(--lotse-primary); color: var(--lotse-on-primary); border-bottom-right-radius: 4px; }
.user .bubble a { color: inherit; }
.bot .bubble { background: #eef1f4; color: #1b1b1b; border-bottom-left-radius: 4px; }
.bot .bubble a { color: var(--lotse-accent); }
.status { margin: 2px 0 0; font-size: 0.8125em; color: #4a4a4a; display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.status.error { color: #a4161a; }
.retry, .choice, .human {
  min-height: 44px; padding: 6px 14px; border: 2px solid var(--lotse-accent); border-radius: 8px;
  background: #fff; color: var(--lotse-accent); font-weight: 600; text-align: left;
}
.retry { min-height: 32px; padding: 2px 10px; font-size: 1em; }
.retry:hover, .choice:hover, .human:hover { background: var(--lotse-primary); color: var(--lotse-on-primary); border-color: var(--lotse-primary); }
.choices { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.feedback { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.feedback .missing { display: flex; flex-wrap: wrap; gap: 6px; width: 100%; }
.feedback .missing label { width: 100%; font-size: 0.85em; }
.typing { margin: 0; padding: 0 16px 6px; color: #4a4a4a; font-size: 0.875em; }
.typing[hidden] { display: none; }
.dots span { display: inline-block; animation: lotse-blink 1.2s infinite both; }
.dots span:nth-child(2) { animation-delay: 0.2s; }
.dots span:nth-child(3) { animation-delay: 0.4s; }
@keyframes lotse-blink { 0%, 80%, 100% { opacity: 0.2; } 40% { opacity: 1; } }
.footer { padding: 8px 16px 12px; border-top: 1px solid #d0d4da; display: flex; flex-direction: column; gap: 8px; }
.human { align-self: flex-start; min-height: 36px; padding: 4px 12px; font-size: 0.9375em; }
.form { display: flex; gap: 8px; }
.input {
  flex: 1; min-width: 0; min-height: 44px; padding: 8px 10px; border: 1px solid #6b6b6b;
  border-radius: 8px; background: #fff; color: #1b1b1b;
}
.input::placeholder { color: #5f5f5f; }
.send {
  min-height: 44px; padding: 8px 14px; border: 2px solid transparent; border-radius: 8px;
  background: var(--lotse-primary); color: var(--lotse-on-primary); font-weight: 600;
}
@media (max-width: 480px), (max-height: 560px) {
  .root.open .launcher { display: none; }
  .panel { position: fixed; inset: 0; width: auto; height: auto; border-radius: 0; border: 0; overflow-y: auto; }
  .log { flex: 1 0 8em; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; }
}
`;
