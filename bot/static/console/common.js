// What every console page shares: its data, its words, DOM building with text only, the JSON
// API with the CSRF token, the live events socket, sign-out and the inactivity guard.
// Nothing here ever turns text into HTML: everything a teen wrote goes through textContent.

export const data = JSON.parse(document.getElementById("console-data").textContent);

/** A console sentence with its {placeholders} filled. */
export function s(key, values = {}) {
  const text = data.strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** s() for a label that may not exist (a signal or platform the words do not know yet). */
export function label(group, key) {
  const found = data.strings[`${group}.${key}`];
  if (found) return found;
  return String(key).replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** el("p", {class: "x", text: "..."}, child, "text child") — text is always text. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

/** Calls the JSON API; a 401 (session over) goes back to the sign-in page. */
export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    headers["X-CSRF-Token"] = csrf;
  }
  let response;
  try {
    response = await fetch(`/console/api${path}`, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, s("errors.network"));
  }
  if (response.status === 401 && path !== "/login") {
    forgetDrafts();
    window.location.assign("/console/login?expired=1");
    throw new ApiError(401, s("login.expired"));
  }
  let payload = {};
  try {
    payload = await response.json();
  } catch {
    payload = {};
  }
  if (!response.ok) throw new ApiError(response.status, payload.error || response.statusText);
  return payload;
}

/** The words for a refused action, in the listener's language. */
export function errorText(error) {
  if (error.status === 0) return s("errors.network");
  if (error.status === 403) return s("errors.forbidden");
  if (error.status === 409 && /holds|capacity|free place/.test(error.message)) {
    return s("errors.capacity");
  }
  if (error.status === 409) return s("errors.conflict");
  return s("errors.generic");
}

export function formatDuration(seconds) {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return s("time.seconds", { n: total });
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return s("time.minutes", { n: minutes });
  const mm = String(minutes % 60).padStart(2, "0");
  return s("time.hours", { n: Math.floor(minutes / 60), mm });
}

const clock = new Intl.DateTimeFormat(data.lang, { hour: "2-digit", minute: "2-digit" });
const dayClock = new Intl.DateTimeFormat(data.lang, {
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});

/** "10:32" today, "3 déc. 10:32" another day. */
export function formatTime(iso) {
  if (!iso) return "";
  const moment = new Date(iso);
  const today = new Date();
  return moment.toDateString() === today.toDateString()
    ? clock.format(moment)
    : dayClock.format(moment);
}

/** The console's events over a WebSocket, reconnecting by itself. */
export function connectEvents(onEvent, onOpen) {
  const status = document.getElementById("live-status");
  let delay = 1000;
  const show = (live) => {
    if (!status) return;
    status.classList.toggle("offline", !live);
    status.querySelector(".live-text").textContent = s(live ? "live.connected" : "live.reconnecting");
  };
  const open = () => {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${window.location.host}/console/api/events`);
    socket.addEventListener("open", () => {
      delay = 1000;
      show(true);
      onOpen?.();
    });
    socket.addEventListener("message", (message) => {
      try {
        onEvent(JSON.parse(message.data));
      } catch (error) {
        console.warn("console event not handled", error);
      }
    });
    socket.addEventListener("close", () => {
      show(false);
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 15000);
    });
  };
  open();
}

const DRAFTS = "relais.console.draft.";

export function forgetDrafts() {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith(DRAFTS)) sessionStorage.removeItem(key);
  }
}

export const drafts = {
  get: (id) => sessionStorage.getItem(DRAFTS + id) ?? "",
  set: (id, text) =>
    text ? sessionStorage.setItem(DRAFTS + id, text) : sessionStorage.removeItem(DRAFTS + id),
};

export async function signOut(expired = false) {
  forgetDrafts();
  try {
    await api("POST", "/presence", { status: "offline" });
    await api("POST", "/logout", {});
  } catch {
    // Signed out already: the sign-in page is where to go anyway.
  }
  window.location.assign(expired ? "/console/login?expired=1" : "/console/login");
}

/** Sign-out button; the session ends after `idle_s` without the listener touching anything,
 * and stays alive (one light call a minute at most) while they work. */
export function setupAccount() {
  document.getElementById("sign-out")?.addEventListener("click", () => signOut());
  let lastInput = Date.now();
  let lastKeepAlive = Date.now();
  const touched = () => {
    lastInput = Date.now();
    if (lastInput - lastKeepAlive > 60000) {
      lastKeepAlive = lastInput;
      api("GET", "/me").catch(() => {});
    }
  };
  for (const kind of ["pointerdown", "keydown", "wheel", "touchstart"]) {
    window.addEventListener(kind, touched, { passive: true });
  }
  setInterval(() => {
    if (Date.now() - lastInput > data.idle_s * 1000) signOut(true);
  }, 15000);
}
