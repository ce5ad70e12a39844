// The listener's console: the live queue, their conversations side by side (drafts kept per
// conversation), and one conversation at a time in full. Text from teens is only ever
// textContent; images are never loaded here (a placeholder, then an audited reveal that opens
// the address in a new tab).
import { beep, notify, setupAlertsButton } from "./alerts.js";
import {
  api,
  clear,
  connectEvents,
  data,
  drafts,
  el,
  errorText,
  formatDuration,
  formatTime,
  label,
  s,
  setupAccount,
} from "./common.js";

const me = data.me;
const state = {
  open: true,
  waiting: [],
  holding: [],
  active: [],
  fetchedAt: Date.now(),
  conversations: new Map(), // id → {request, transcript, notes, history, can_reply, lastId}
  unread: new Set(),
  alerts: new Map(), // id → urgent evidence raised during the conversation
  current: null,
  seenUrgent: new Set(),
};
const $ = (id) => document.getElementById(id);

// The queue ------------------------------------------------------------------------------

async function refreshQueue() {
  const queue = await api("GET", "/queue");
  state.open = queue.open;
  state.waiting = queue.waiting;
  state.holding = queue.holding;
  state.active = queue.active ?? [];
  state.fetchedAt = Date.now();
  renderQueue();
  renderMine();
  renderTeam();
  const current = state.current && state.conversations.get(state.current);
  if (current) {
    const fresh = [...state.holding, ...state.active, ...state.waiting].find(
      (r) => r.id === state.current,
    );
    if (fresh) current.request = { ...current.request, ...fresh };
  }
}

let queueTimer = null;
function refreshSoon() {
  clearTimeout(queueTimer);
  queueTimer = setTimeout(() => refreshQueue().catch(() => {}), 100);
}

function waitedSeconds(request) {
  return request.waited_s + (Date.now() - state.fetchedAt) / 1000;
}

function signalWords(request) {
  const words = [...new Set((request.evidence || []).map((e) => e.text).filter(Boolean))];
  return words;
}

function urgentBlock(request) {
  const signals = (request.signals || []).map((signal) => label("signals", signal)).join(", ");
  const words = signalWords(request);
  return el(
    "div",
    { class: "urgent-block" },
    el(
      "p",
      { class: "urgent-title" },
      el("span", { class: "urgent-icon", "aria-hidden": "true", text: "⚠" }),
      el("strong", { text: s("urgent.label") }),
      " · ",
      signals,
    ),
    words.length
      ? el(
          "p",
          { class: "urgent-words" },
          el("span", { class: "visually-hidden", text: `${s("urgent.words")} : ` }),
          words.map((word) => el("mark", { text: `« ${word} »` })),
        )
      : null,
  );
}

function triageLine(request) {
  const triage = request.triage || {};
  const parts = [triage.role ? label("roles", triage.role) : s("roles.unknown")];
  for (const platform of triage.platforms || []) parts.push(label("platforms", platform));
  for (const kind of triage.harassment || []) parts.push(label("harassment", kind));
  return parts.join(" · ");
}

function summaryLine(request) {
  const summary = (request.triage || {}).summary;
  return summary ? el("p", { class: "summary", text: `« ${summary} »` }) : null;
}

function metaLine(request) {
  return [
    label("channels", request.channel),
    label("language_names", request.language),
    label("kinds", request.kind),
    request.skill ? label("skills", request.skill) : null,
  ]
    .filter(Boolean)
    .join(" · ");
}

function renderQueue() {
  const list = clear($("queue"));
  $("queue-empty").hidden = state.waiting.length > 0;
  $("queue-closed").hidden = state.open;
  $("queue-count").textContent = state.waiting.length
    ? s("queue.count", { n: state.waiting.length })
    : "";
  $("take-next").hidden = state.waiting.length === 0;
  for (const request of state.waiting) {
    const title = s("queue.position", { position: request.position });
    list.append(
      el(
        "li",
        {
          class: `request${request.urgent ? " is-urgent" : ""}`,
          dataset: { id: request.id },
        },
        request.urgent ? urgentBlock(request) : null,
        el(
          "div",
          { class: "request-head" },
          el("strong", { text: title }),
          el("span", {
            class: "wait",
            dataset: { id: request.id },
            text: s("queue.waiting", { time: formatDuration(waitedSeconds(request)) }),
          }),
        ),
        el("p", { class: "meta", text: metaLine(request) }),
        el("p", { class: "triage", text: triageLine(request) }),
        summaryLine(request),
        el(
          "div",
          { class: "request-actions" },
          el("button", {
            type: "button",
            class: request.urgent ? "danger small" : "primary small",
            text: s("queue.claim"),
            "aria-label": `${s("queue.claim")} ${title}, ${label("channels", request.channel)}`,
            onclick: () => claim(request.id),
          }),
        ),
      ),
    );
  }
  const urgent = state.waiting.filter((r) => r.urgent).length;
  document.title = `${urgent ? `⚠ ${urgent} · ` : state.waiting.length ? `(${state.waiting.length}) ` : ""}${s("title")} · Relais`;
}

function tickWaits() {
  for (const node of document.querySelectorAll(".wait[data-id]")) {
    const request = state.waiting.find((r) => String(r.id) === node.dataset.id);
    if (request) {
      node.textContent = s("queue.waiting", { time: formatDuration(waitedSeconds(request)) });
    }
  }
}

function conversationItem(request, extra) {
  const current = request.id === state.current;
  return el(
    "li",
    {},
    el(
      "button",
      {
        type: "button",
        class: `conv-link${current ? " is-current" : ""}${request.urgent ? " is-urgent" : ""}`,
        "aria-current": current ? "true" : null,
        onclick: () => select(request.id),
      },
      request.urgent ? el("span", { class: "urgent-icon", "aria-hidden": "true", text: "⚠" }) : null,
      el("span", { class: "conv-name", text: s("conversation.title", { n: request.id }) }),
      el("span", { class: "conv-meta", text: extra }),
      state.unread.has(request.id) ? el("span", { class: "unread", text: s("mine.unread") }) : null,
    ),
  );
}

function renderMine() {
  const list = clear($("mine"));
  $("mine-empty").hidden = state.holding.length > 0;
  $("capacity-count").textContent = `${state.holding.length} / ${me.capacity}`;
  $("capacity-count").classList.toggle("full", state.holding.length >= me.capacity);
  for (const request of state.holding) {
    list.append(conversationItem(request, label("channels", request.channel)));
  }
}

function renderTeam() {
  const list = $("team");
  if (!list) return;
  clear(list);
  $("team-empty").hidden = state.active.length > 0;
  for (const request of state.active) {
    list.append(conversationItem(request, s("active.held_by", { name: displayName(request.listener) })));
  }
}

async function claim(id) {
  try {
    await api("POST", `/conversations/${id}/claim`, {});
  } catch (error) {
    toast(errorText(error));
    refreshSoon();
    return;
  }
  await refreshQueue();
  await select(id);
}

// One conversation ------------------------------------------------------------------------

async function load(id) {
  const body = await api("GET", `/conversations/${id}`);
  const lastId = body.transcript.reduce((max, m) => Math.max(max, m.id), 0);
  state.conversations.set(id, { ...body, lastId });
  return state.conversations.get(id);
}

async function fetchNew(id) {
  const conversation = state.conversations.get(id);
  if (!conversation) return;
  const body = await api("GET", `/conversations/${id}/messages?after=${conversation.lastId}`);
  conversation.request = body.request;
  conversation.can_reply = body.can_reply;
  for (const message of body.transcript) {
    if (message.id <= conversation.lastId) continue;
    conversation.transcript.push(message);
    conversation.lastId = message.id;
  }
  if (id === state.current) {
    appendMessages(body.transcript);
    renderComposerState(conversation);
  } else if (body.transcript.some((m) => m.role === "user")) {
    state.unread.add(id);
    renderMine();
  }
}

async function select(id) {
  saveDraft();
  state.current = id;
  state.unread.delete(id);
  history.replaceState(null, "", `#c/${id}`);
  renderMine();
  renderTeam();
  let conversation = state.conversations.get(id);
  try {
    conversation = await load(id);
  } catch (error) {
    toast(errorText(error));
    if (!conversation) return showEmpty();
  }
  renderConversation(conversation);
}

function showEmpty() {
  state.current = null;
  history.replaceState(null, "", "#");
  $("conversation-view").hidden = true;
  $("no-conversation").hidden = false;
  renderMine();
  renderTeam();
}

function holder(request) {
  return request.status === "active" && request.listener === me.username;
}

function renderConversation(conversation) {
  const { request } = conversation;
  const view = clear($("conversation-view"));
  $("no-conversation").hidden = true;
  view.hidden = false;
  view.append(
    el(
      "header",
      { class: "conv-header" },
      el("h1", { id: "conv-title", text: s("conversation.title", { n: request.id }) }),
      el("p", { class: "meta", text: metaLine(request) }),
      request.urgent ? urgentBlock(request) : null,
    ),
    el("div", { id: "conv-alert" }),
    el(
      "div",
      { class: "conv-body" },
      el(
        "section",
        { class: "thread", "aria-labelledby": "conv-title" },
        el("ol", { class: "transcript", id: "transcript", "aria-live": "polite" }),
        composer(conversation),
      ),
      el("aside", { class: "side", "aria-label": s("conversation.details") }, sidePanel(conversation)),
    ),
  );
  appendMessages(conversation.transcript, true);
  renderAlert(request.id);
  renderComposerState(conversation);
}

function renderAlert(id) {
  const box = $("conv-alert");
  if (!box) return;
  clear(box);
  const alert = state.alerts.get(id);
  if (!alert) return;
  box.append(
    el(
      "div",
      { class: "alert-banner", role: "alert" },
      el("span", { class: "urgent-icon", "aria-hidden": "true", text: "⚠" }),
      el(
        "div",
        {},
        el("strong", { text: `${s("urgent.label")} · ${s("urgent.in_conversation")}` }),
        el("p", { text: (alert.signals || []).map((x) => label("signals", x)).join(", ") }),
        el("p", { class: "urgent-words" }, signalWords(alert).map((w) => el("mark", { text: `« ${w} »` }))),
      ),
      el("button", {
        type: "button",
        class: "ghost small",
        text: s("urgent.dismiss"),
        onclick: () => {
          state.alerts.delete(id);
          renderAlert(id);
        },
      }),
    ),
  );
}

function parse(json) {
  if (!json) return null;
  try {
    return typeof json === "string" ? JSON.parse(json) : json;
  } catch {
    return null;
  }
}

/** The message's text with the urgent words in <mark>, all as text nodes. */
function highlighted(text, analysis) {
  const spans = [];
  for (const evidence of analysis?.evidence || []) {
    let start = evidence.start;
    let end = evidence.end;
    if (text.slice(start, end) !== evidence.text) {
      start = text.toLowerCase().indexOf(String(evidence.text).toLowerCase());
      end = start + String(evidence.text).length;
    }
    if (start >= 0 && end > start) spans.push([start, end]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const parts = [];
  let at = 0;
  for (const [start, end] of spans) {
    if (start < at) continue;
    parts.push(text.slice(at, start), el("mark", { text: text.slice(start, end) }));
    at = end;
  }
  parts.push(text.slice(at));
  return parts.filter((p) => p !== "");
}

function attachmentsOf(message) {
  const list = parse(message.attachments);
  return Array.isArray(list) ? list : [];
}

function attachmentNode(message, attachment, index) {
  const image = /^image(\/|$)/.test(String(attachment.type || ""));
  const wrapper = el("div", { class: "attachment" });
  const button = el(
    "button",
    {
      type: "button",
      class: image ? "reveal reveal-image" : "reveal",
      "aria-describedby": "audit-note",
    },
    el("span", { class: "reveal-text", text: s(image ? "evidence.image_hidden" : "evidence.file_hidden") }),
  );
  button.addEventListener("click", async () => {
    try {
      const shown = await api("POST", `/conversations/${state.current}/reveal`, {
        message_id: message.id,
        index,
      });
      const url = String(shown.url || "");
      if (!/^https?:\/\//i.test(url)) throw new Error("not a web address");
      const link = el("a", {
        href: url,
        target: "_blank",
        rel: "noopener noreferrer",
        class: "revealed",
        text: `${s("evidence.open")} — ${url}`,
      });
      wrapper.replaceChildren(link);
      link.focus();
    } catch (error) {
      toast(errorText(error));
    }
  });
  wrapper.append(button);
  return wrapper;
}

const WHO = { user: "conversation.teen", bot: "conversation.bot", listener: "conversation.listener" };

function messageNode(message) {
  const analysis = parse(message.analysis);
  const urgent = message.role === "user" && analysis?.urgent;
  const who = message.role === "listener" && message.sender
    ? `${s(WHO.listener)} · ${message.sender}`
    : s(WHO[message.role] || "conversation.bot");
  return el(
    "li",
    {
      class: `msg msg--${message.role}${urgent ? " is-urgent" : ""}`,
      id: `msg-${message.id}`,
      dataset: { id: message.id },
    },
    el(
      "p",
      { class: "msg-who" },
      el("span", { class: "role-tag", text: who }),
      el("time", { datetime: message.created_at, text: formatTime(message.created_at) }),
      urgent
        ? el(
            "span",
            { class: "msg-urgent" },
            el("span", { "aria-hidden": "true", text: "⚠ " }),
            `${s("urgent.label")} · ${(analysis.signals || []).map((x) => label("signals", x)).join(", ")}`,
          )
        : null,
    ),
    message.text
      ? el("p", { class: "bubble" }, urgent ? highlighted(message.text, analysis) : message.text)
      : null,
    attachmentsOf(message).map((a, i) => attachmentNode(message, a, i)),
  );
}

function appendMessages(messages, initial = false) {
  const list = $("transcript");
  if (!list) return;
  const shown = new Set([...list.children].map((li) => li.dataset.id));
  for (const message of messages) {
    if (!shown.has(String(message.id))) list.append(messageNode(message));
  }
  if (messages.length || initial) list.lastElementChild?.scrollIntoView({ block: "end" });
  renderEvidence();
  renderBotAdvice();
}

// The composer, with canned responses and a draft per conversation -------------------------

function composer(conversation) {
  const id = conversation.request.id;
  const canned = data.canned[conversation.request.language] || data.canned[data.lang] || [];
  const box = el("textarea", {
    id: "composer-text",
    rows: "3",
    maxlength: "4000",
    "aria-describedby": "composer-hint",
  });
  box.value = drafts.get(id);
  box.addEventListener("input", () => drafts.set(id, box.value));
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });
  const select = el(
    "select",
    { id: "canned", "aria-label": s("composer.canned") },
    el("option", { value: "", text: s("composer.canned_choose") }),
    canned.map((item, index) => el("option", { value: String(index), text: item.title })),
  );
  select.addEventListener("change", () => {
    const item = canned[Number(select.value)];
    if (item) {
      box.value = box.value.trim() ? `${box.value.trimEnd()}\n${item.text}` : item.text;
      drafts.set(id, box.value);
      box.focus();
    }
    select.value = "";
  });
  return el(
    "form",
    { class: "composer", id: "composer", onsubmit: (event) => (event.preventDefault(), send()) },
    el("p", { class: "composer-state", id: "composer-state", role: "status" }),
    el("label", { for: "composer-text", text: s("composer.label") }),
    box,
    el(
      "div",
      { class: "composer-row" },
      select,
      el("span", { class: "hint", id: "composer-hint", text: s("composer.hint") }),
      el("button", { type: "submit", class: "primary", id: "send", text: s("composer.send") }),
    ),
  );
}

function renderComposerState(conversation) {
  const { request } = conversation;
  const form = $("composer");
  if (!form) return;
  const mine = holder(request);
  const writable = mine && conversation.can_reply;
  for (const control of form.querySelectorAll("textarea, select, button")) control.disabled = !writable;
  const note = $("composer-state");
  clear(note);
  let text = "";
  if (request.status === "waiting") text = s("conversation.waiting");
  else if (request.status === "active" && !mine) {
    text = s("conversation.read_only", { name: displayName(request.listener) });
  }
  else if (request.status !== "active") text = s("conversation.ended");
  else if (!conversation.can_reply) text = s("conversation.cannot_reply");
  if (text) note.append(text);
  if (request.status === "waiting") {
    note.append(
      " ",
      el("button", {
        type: "button",
        class: "primary small",
        text: s("conversation.claim"),
        onclick: () => claim(request.id),
      }),
    );
  }
  note.hidden = !text;
  for (const form of document.querySelectorAll(".holder-only")) {
    for (const control of form.querySelectorAll("select, textarea, button")) {
      control.disabled = !(request.status === "active" && (mine || me.role === "supervisor"));
    }
  }
}

function saveDraft() {
  const box = $("composer-text");
  if (box && state.current) drafts.set(state.current, box.value);
}

async function send() {
  const id = state.current;
  const box = $("composer-text");
  const text = box.value.trim();
  if (!text) return;
  const button = $("send");
  button.disabled = true;
  try {
    await api("POST", `/conversations/${id}/messages`, { text });
    box.value = "";
    drafts.set(id, "");
    await fetchNew(id);
  } catch (error) {
    toast(errorText(error));
  } finally {
    button.disabled = false;
    box.focus();
  }
}

// The side panel: details, evidence, bot advice, notes, transfer, close ---------------------

function sidePanel(conversation) {
  const { request } = conversation;
  const panel = [];
  panel.push(
    el(
      "section",
      { class: "side-block" },
      el("h2", { text: s("conversation.details") }),
      el("p", { text: label("reasons", request.reason) }),
      el("p", { class: "triage", text: triageLine(request) }),
      summaryLine(request),
      el("p", { class: "muted", text: s("conversation.created", { time: formatTime(request.created_at) }) }),
      conversation.history.length > 1
        ? el("p", { class: "muted", text: s("conversation.history", { n: conversation.history.length - 1 }) })
        : null,
    ),
    el(
      "section",
      { class: "side-block" },
      el("h2", { text: s("evidence.title") }),
      el("div", { id: "evidence" }),
      el("p", { class: "muted small", id: "audit-note", text: s("evidence.audited") }),
    ),
    el(
      "details",
      { class: "side-block" },
      el("summary", { text: s("conversation.bot_advice") }),
      el("ol", { class: "advice", id: "bot-advice" }),
    ),
    notesBlock(conversation),
    transferBlock(conversation),
    closeBlock(conversation),
  );
  return panel;
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;

function renderEvidence() {
  const box = $("evidence");
  const conversation = state.conversations.get(state.current);
  if (!box || !conversation) return;
  clear(box);
  const items = [];
  for (const message of conversation.transcript) {
    if (message.role !== "user") continue;
    for (const attachment of attachmentsOf(message)) {
      const image = /^image(\/|$)/.test(String(attachment.type || ""));
      items.push(
        el(
          "li",
          {},
          el("a", {
            href: `#msg-${message.id}`,
            class: "evidence-jump",
            text: `${s(image ? "evidence.image" : "evidence.file")} · ${formatTime(message.created_at)}`,
            onclick: (event) => {
              event.preventDefault();
              document.getElementById(`msg-${message.id}`)?.querySelector(".reveal")?.focus();
            },
          }),
        ),
      );
    }
    for (const url of (message.text || "").match(URL_PATTERN) || []) {
      const clean = url.replace(/[.,;:!?)]+$/, "");
      items.push(
        el(
          "li",
          {},
          el("span", { class: "muted small", text: `${s("evidence.link")} · ${formatTime(message.created_at)}` }),
          el("a", { href: clean, target: "_blank", rel: "noopener noreferrer", class: "evidence-link", text: clean }),
        ),
      );
    }
  }
  box.append(items.length ? el("ul", { class: "evidence" }, items) : el("p", { class: "muted", text: s("evidence.none") }));
}

function renderBotAdvice() {
  const list = $("bot-advice");
  const conversation = state.conversations.get(state.current);
  if (!list || !conversation) return;
  clear(list);
  const said = conversation.transcript.filter((m) => m.role === "bot" && m.text);
  if (!said.length) list.append(el("li", { class: "muted", text: s("conversation.bot_advice_none") }));
  for (const message of said) {
    const first = message.text.split(/\n/)[0];
    list.append(el("li", { text: first.length > 140 ? `${first.slice(0, 139)}…` : first }));
  }
}

function displayName(username) {
  return data.colleagues.find((c) => c.username === username)?.display_name ?? username;
}

function notesBlock(conversation) {
  const id = conversation.request.id;
  const list = el("ul", { class: "notes", id: "notes" });
  const fill = () => {
    clear(list);
    if (!conversation.notes.length) list.append(el("li", { class: "muted", text: s("notes.empty") }));
    for (const note of conversation.notes) {
      list.append(
        el(
          "li",
          {},
          el("span", { class: "muted small", text: `${displayName(note.listener)} · ${formatTime(note.created_at)}` }),
          el("p", { text: note.text }),
        ),
      );
    }
  };
  fill();
  const box = el("textarea", { id: "note-text", rows: "2", maxlength: "4000" });
  return el(
    "section",
    { class: "side-block" },
    el("h2", { text: s("notes.title") }),
    el("p", { class: "muted small", text: s("notes.hint") }),
    list,
    el(
      "form",
      {
        class: "stack",
        onsubmit: async (event) => {
          event.preventDefault();
          const text = box.value.trim();
          if (!text) return;
          try {
            const { note } = await api("POST", `/conversations/${id}/notes`, { text });
            conversation.notes.push(note);
            box.value = "";
            fill();
          } catch (error) {
            toast(errorText(error));
          }
        },
      },
      el("label", { for: "note-text", text: s("notes.label") }),
      box,
      el("button", { type: "submit", class: "secondary small", text: s("notes.add") }),
    ),
  );
}

function transferBlock(conversation) {
  const id = conversation.request.id;
  const colleague = el(
    "select",
    { id: "transfer-listener" },
    el("option", { value: "", text: s("transfer.choose") }),
    data.colleagues
      .filter((c) => c.username !== me.username)
      .map((c) =>
        el("option", {
          value: c.username,
          text: `${c.display_name} (${c.skills.map((k) => label("skills", k)).join(", ") || "—"})`,
        }),
      ),
  );
  const skill = el(
    "select",
    { id: "transfer-skill" },
    el("option", { value: "", text: s("transfer.choose") }),
    data.skills.map((k) => el("option", { value: k, text: label("skills", k) })),
  );
  return el(
    "details",
    { class: "side-block" },
    el("summary", { text: s("transfer.title") }),
    el(
      "form",
      {
        class: "stack holder-only",
        onsubmit: async (event) => {
          event.preventDefault();
          const body = colleague.value ? { to_listener: colleague.value } : skill.value ? { to_skill: skill.value } : null;
          if (!body) return;
          try {
            await api("POST", `/conversations/${id}/transfer`, body);
            toast(s("transfer.done"));
            state.conversations.delete(id);
            showEmpty();
            refreshSoon();
          } catch (error) {
            toast(errorText(error));
          }
        },
      },
      el("label", { for: "transfer-listener", text: s("transfer.to_listener") }),
      colleague,
      el("label", { for: "transfer-skill", text: s("transfer.to_skill") }),
      skill,
      el("button", { type: "submit", class: "secondary small", text: s("transfer.submit") }),
    ),
  );
}

function closeBlock(conversation) {
  const id = conversation.request.id;
  const outcome = el(
    "select",
    { id: "close-outcome", required: true },
    el("option", { value: "", text: s("transfer.choose") }),
    data.outcomes.map((key) => el("option", { value: key, text: label("outcomes", key) })),
  );
  const note = el("textarea", { id: "close-note", rows: "2", maxlength: "4000" });
  return el(
    "section",
    { class: "side-block" },
    el("h2", { text: s("close.title") }),
    el(
      "form",
      {
        class: "stack holder-only",
        onsubmit: async (event) => {
          event.preventDefault();
          if (!outcome.value) return outcome.focus();
          try {
            await api("POST", `/conversations/${id}/close`, {
              outcome: outcome.value,
              note: note.value.trim() || null,
            });
            drafts.set(id, "");
            state.conversations.delete(id);
            state.alerts.delete(id);
            toast(s("close.done"));
            showEmpty();
            await refreshQueue();
          } catch (error) {
            toast(errorText(error));
          }
        },
      },
      el("label", { for: "close-outcome", text: s("close.outcome") }),
      outcome,
      el("label", { for: "close-note", text: s("close.note") }),
      note,
      el("button", { type: "submit", class: "secondary small", text: s("close.submit") }),
    ),
  );
}

// Live events -----------------------------------------------------------------------------

let toastTimer = null;
function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), 6000);
}

function alarm(request) {
  const key = `${request.id}:${(request.signals || []).join(",")}`;
  if (state.seenUrgent.has(key)) return;
  state.seenUrgent.add(key);
  beep();
  notify(s("alerts.body", { name: (request.signals || []).map((x) => label("signals", x)).join(", ") }));
}

function onEvent(event) {
  const request = event.request;
  const id = request?.id ?? event.request_id;
  const mine = state.conversations.has(id) || state.holding.some((r) => r.id === id);
  if ((event.type === "request" || event.type === "urgent") && request?.urgent) {
    alarm(request);
    if (event.type === "urgent" && request.status === "active" && (mine || request.listener === me.username)) {
      state.alerts.set(id, request);
      if (id === state.current) renderAlert(id);
      else state.unread.add(id);
    }
  }
  if (event.type === "teen_message" || event.type === "listener_message" || event.type === "urgent") {
    if (state.conversations.has(id)) fetchNew(id).catch(() => {});
    else if (mine && event.type !== "listener_message") {
      state.unread.add(id);
      renderMine();
    }
  }
  if (["closed", "cancelled", "transferred", "claimed"].includes(event.type) && state.conversations.has(id)) {
    const conversation = state.conversations.get(id);
    conversation.request = { ...conversation.request, ...request };
    const lost = request.listener !== me.username && me.role !== "supervisor";
    if (lost && id !== state.current) state.conversations.delete(id);
    else if (id === state.current) renderComposerState(conversation);
  }
  if (event.type !== "teen_message" && event.type !== "listener_message") refreshSoon();
}

// Start ------------------------------------------------------------------------------------

async function setPresence(status) {
  try {
    const { listener } = await api("POST", "/presence", { status });
    me.presence = listener.presence;
  } catch (error) {
    toast(errorText(error));
  }
}

function start() {
  setupAccount();
  setupAlertsButton($("alerts-toggle"));
  for (const radio of document.querySelectorAll('input[name="presence"]')) {
    radio.addEventListener("change", () => radio.checked && setPresence(radio.value));
  }
  $("take-next").addEventListener("click", () => state.waiting[0] && claim(state.waiting[0].id));
  window.addEventListener("beforeunload", saveDraft);
  setInterval(tickWaits, 5000);
  connectEvents(onEvent, () => refreshQueue().catch(() => {}));
  const wanted = Number((window.location.hash.match(/^#c\/(\d+)$/) || [])[1]);
  refreshQueue()
    .then(() => (wanted ? select(wanted) : null))
    .catch(() => {});
}

start();
