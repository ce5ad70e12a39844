// The supervisor's page: every live conversation and who holds it, who is online, today's
// figures and a chart per day, kept fresh by the console's events.
import { dailyChart } from "./chart.js";
import {
  api,
  clear,
  connectEvents,
  data,
  el,
  formatDuration,
  formatTime,
  label,
  s,
  setupAccount,
} from "./common.js";

const WEEKS = 4;
const $ = (id) => document.getElementById(id);

function figure(title, value, detail) {
  return el(
    "div",
    { class: "figure" },
    el("dt", { text: title }),
    el("dd", {}, value, detail ? el("span", { class: "detail", text: detail }) : null),
  );
}

function duration(seconds) {
  return seconds === null || seconds === undefined ? s("supervision.none") : formatDuration(seconds);
}

async function refreshStats() {
  const stats = await api("GET", `/stats?weeks=${WEEKS}`);
  const today = stats.today;
  const channels = Object.entries(today.contacts)
    .map(([channel, n]) => `${label("channels", channel)} ${n}`)
    .join(" · ");
  const share = today.urgent_share === null ? s("supervision.none") : `${Math.round(today.urgent_share * 100)} %`;
  clear($("figures")).append(
    figure(s("supervision.contacts"), String(today.contacts_total), channels),
    figure(s("supervision.handoffs"), String(today.handoffs)),
    figure(s("supervision.urgent_share"), share, `${today.urgent} / ${today.handoffs}`),
    figure(s("supervision.median_wait"), duration(today.median_wait_s)),
    figure(s("supervision.longest_wait"), duration(today.longest_wait_s)),
    figure(
      s("supervision.outside_hours"),
      String(today.outside_hours_messages + today.outside_hours_contacts),
      s("supervision.outside_detail", {
        n: today.outside_hours_messages,
        position: today.outside_hours_contacts,
      }),
    ),
  );
  clear($("outcomes")).append(
    ...Object.entries(today.outcomes).map(([key, n]) =>
      el("li", {}, el("strong", { text: String(n) }), ` ${label("outcomes", key)}`),
    ),
  );
  const words = {
    title: s("supervision.chart", { n: WEEKS }),
    contacts: s("supervision.chart_contacts"),
    handoffs: s("supervision.chart_handoffs"),
  };
  clear($("chart")).append(
    dailyChart(stats.days, words, data.lang),
    el(
      "p",
      { class: "legend" },
      el("span", {}, el("span", { class: "swatch swatch-contacts" }), words.contacts),
      el("span", {}, el("span", { class: "swatch swatch-handoffs" }), words.handoffs),
    ),
  );
}

async function refreshTeam() {
  const queue = await api("GET", "/queue");
  const names = new Map(queue.listeners.map((person) => [person.username, person.display_name]));
  const team = clear($("team"));
  $("team-empty").hidden = queue.active.length > 0;
  for (const request of queue.active) {
    team.append(
      el(
        "li",
        {},
        el(
          "a",
          { class: `button conv-link${request.urgent ? " is-urgent" : ""}`, href: `/console#c/${request.id}` },
          request.urgent ? el("span", { class: "urgent-icon", "aria-hidden": "true", text: "⚠" }) : null,
          request.urgent ? el("span", { class: "visually-hidden", text: s("urgent.label") }) : null,
          el("span", { class: "conv-name", text: s("conversation.title", { n: request.id }) }),
          el("span", { class: "conv-meta", text: `${s("active.held_by", { name: names.get(request.listener) ?? request.listener })} · ${label("channels", request.channel)} · ${formatTime(request.claimed_at)}` }),
        ),
      ),
    );
  }
  const held = new Map();
  for (const request of queue.active) held.set(request.listener, (held.get(request.listener) || 0) + 1);
  const people = clear($("people"));
  for (const person of queue.listeners) {
    people.append(
      el(
        "li",
        {},
        el("span", {}, el("strong", { text: person.display_name }), ` (${person.username})`),
        el(
          "span",
          {},
          el("span", { class: "muted small", text: `${s("supervision.holding", { n: held.get(person.username) || 0, position: person.capacity })} ` }),
          el("span", { class: `presence-tag presence-${person.presence}`, text: label("presence", person.presence) }),
        ),
      ),
    );
  }
}

let timer = null;
function refreshSoon() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    refreshTeam().catch(() => {});
    refreshStats().catch(() => {});
  }, 300);
}

setupAccount();
connectEvents((event) => {
  if (event.type !== "listener_message") refreshSoon();
}, refreshSoon);
refreshTeam().catch(() => {});
refreshStats().catch(() => {});
