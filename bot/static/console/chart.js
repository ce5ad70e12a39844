// A small bar chart per day, drawn as inline SVG (no chart library): contacts and hand-offs.
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** days: [{day: "2026-12-01", contacts_total, handoffs}]; words: {title, contacts, handoffs}. */
export function dailyChart(days, words, lang) {
  const width = 1000;
  const height = 180;
  const left = 36;
  const bottom = 28;
  const top = 12;
  const plotHeight = height - bottom - top;
  const max = Math.max(1, ...days.map((d) => Math.max(d.contacts_total, d.handoffs)));
  const step = (width - left - 8) / Math.max(1, days.length);
  const bar = Math.max(2, step * 0.38);
  const y = (value) => top + plotHeight - (value / max) * plotHeight;
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": words.title,
  });
  root.append(svg("title", {}, words.title));
  for (const tick of [0, Math.round(max / 2), max]) {
    root.append(svg("line", { x1: left, x2: width - 4, y1: y(tick), y2: y(tick), class: "axis", opacity: tick ? 0.25 : 1 }));
    root.append(svg("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end" }, String(tick)));
  }
  const dayFormat = new Intl.DateTimeFormat(lang, { day: "numeric", month: "numeric" });
  days.forEach((day, index) => {
    const x = left + index * step + step * 0.1;
    const date = new Date(`${day.day}T12:00:00`);
    const described = `${dayFormat.format(date)} : ${words.contacts} ${day.contacts_total}, ${words.handoffs} ${day.handoffs}`;
    const group = svg("g");
    group.append(svg("title", {}, described));
    group.append(svg("rect", { x, y: y(day.contacts_total), width: bar, height: (day.contacts_total / max) * plotHeight, class: "bar-contacts" }));
    group.append(svg("rect", { x: x + bar, y: y(day.handoffs), width: bar, height: (day.handoffs / max) * plotHeight, class: "bar-handoffs" }));
    root.append(group);
    if (index % 7 === 0 || index === days.length - 1) {
      root.append(svg("text", { x: x + bar, y: height - 8, "text-anchor": "middle" }, dayFormat.format(date)));
    }
  });
  return root;
}
