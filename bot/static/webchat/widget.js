/*
 * Relais site chat: one tag on any page opens a chat with the helpline's automated assistant.
 *
 *   <script src="https://relais.example/webchat/widget.js" data-lang="fr" defer></script>
 *
 * Optional attributes: data-lang-param="lang" (take the language from that query parameter of
 * the page when present, e.g. ?lang=en), data-open="true" (open the panel at once).
 *
 * Plain JavaScript, no dependencies, no build step. It talks only to the origin it was loaded
 * from (its words, its stylesheet, Direct Line 3.0). Everything anyone writes is shown as text,
 * never as HTML. Its words come from /webchat/config.json (config/locales, `widget:`).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__relaisWebchat) return;
  window.__relaisWebchat = true;

  var ORIGIN = new URL(script.src, location.href).origin;
  var DL = ORIGIN + "/v3/directline";
  var STORE_KEY = "relais.webchat.v1";
  var REFRESH_MS = 15 * 60 * 1000; // Direct Line's fixed token refresh period
  var BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
  var POLL_MS = 1500;
  var TYPING_MS = 8000;
  var ECHO_GRACE_MS = 15000;
  var SVG_NS = "http://www.w3.org/2000/svg";

  // Only if the config cannot be read: the fewest words that keep the chat and its exit usable.
  var FALLBACK = {
    bot_name: "Chat",
    subtitle: "",
    launcher: "Chat",
    close: "Fermer",
    quick_exit: "Quitter vite",
    quick_exit_hint: "",
    input_label: "Message",
    placeholder: "",
    send: "Envoyer",
    sending: "…",
    sent: "✓",
    failed: "✕",
    retry: "↻",
    you: "",
    typing: "…",
    choices: "",
    messages: "",
    connecting: "…",
    reconnecting: "…",
    unavailable: "✕",
    notice: "",
    listener: "",
    listener_joined: "{name} +",
    listener_left: "{name} −",
    with_listener: "{name}",
    new_window: "",
  };

  var S = FALLBACK;
  var quickExitUrl = "about:blank";
  var maxTextLength = 4000;
  var lang = pickLanguage();

  // ---------------------------------------------------------------------------------------
  // Storage: token, conversation and watermark survive a reload of the tab, nothing longer.

  function load() {
    try {
      var raw = window.sessionStorage.getItem(STORE_KEY);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  }

  function save() {
    if (!session) return;
    try {
      window.sessionStorage.setItem(
        STORE_KEY,
        JSON.stringify({
          conversationId: session.conversationId,
          token: session.token,
          userId: session.userId,
          watermark: session.watermark,
          open: isOpen,
        })
      );
    } catch (e) {
      /* private mode: the chat still works, it just won't survive a reload */
    }
  }

  function forget() {
    [window.sessionStorage, window.localStorage].forEach(function (store) {
      try {
        for (var i = store.length - 1; i >= 0; i--) {
          var key = store.key(i);
          if (key && key.indexOf("relais.") === 0) store.removeItem(key);
        }
      } catch (e) {
        /* storage unavailable: nothing was kept */
      }
    });
  }

  function pickLanguage() {
    var param = script.getAttribute("data-lang-param");
    if (param) {
      var fromUrl = new URLSearchParams(location.search).get(param);
      if (fromUrl) return fromUrl;
    }
    return (
      script.getAttribute("data-lang") ||
      document.documentElement.getAttribute("lang") ||
      navigator.language ||
      "fr"
    );
  }

  // ---------------------------------------------------------------------------------------
  // HTTP

  function request(method, path, token, body) {
    var init = { method: method, headers: {}, credentials: "omit", cache: "no-store" };
    if (token) init.headers.Authorization = "Bearer " + token;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      if (!response.ok) {
        var error = new Error("HTTP " + response.status);
        error.status = response.status;
        throw error;
      }
      return response.json();
    });
  }

  // ---------------------------------------------------------------------------------------
  // The interface

  var host, root, launcher, launcherLabel, dockExit, panel, title, subtitle, statusLine, log,
    list, typingRow, choicesRow, liveRegion, form, input, sendButton;
  var isOpen = false;
  var unread = false;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function icon(paths) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "relais-icon");
    paths.forEach(function (d) {
      var path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }

  var ICON_CHAT = ["M4 5h16v11H8l-4 4z"];
  var ICON_CLOSE = ["M6 6l12 12", "M18 6L6 18"];
  var ICON_DOWN = ["M6 9l6 6 6-6"];
  var ICON_SEND = ["M4 12l16-8-6 16-2-7z", "M12 13l8-9"];
  var ICON_EXIT = ["M14 4h6v16h-6", "M10 8l-4 4 4 4", "M6 12h10"];

  function quickExitButton(extraClass) {
    var button = el("button", "relais-exit " + extraClass);
    button.type = "button";
    button.appendChild(icon(ICON_EXIT));
    button.appendChild(el("span", null, S.quick_exit));
    if (S.quick_exit_hint) button.title = S.quick_exit_hint;
    button.addEventListener("click", quickExit);
    return button;
  }

  function build() {
    host = document.createElement("div");
    host.className = "relais-webchat-host";
    host.hidden = true; // shown once the stylesheet is in
    var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = ORIGIN + "/webchat/widget.css";
    sheet.addEventListener("load", function () { host.hidden = false; });
    sheet.addEventListener("error", function () { host.hidden = false; });
    shadow.appendChild(sheet);

    root = el("div", "relais-root");
    root.lang = lang;

    panel = el("section", "relais-panel");
    panel.id = "relais-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "false");
    panel.setAttribute("aria-labelledby", "relais-title");
    panel.setAttribute("aria-describedby", "relais-subtitle");
    panel.hidden = true;

    var header = el("header", "relais-header");
    var heading = el("div", "relais-heading");
    title = el("h2", "relais-title", S.bot_name);
    title.id = "relais-title";
    title.tabIndex = -1;
    subtitle = el("p", "relais-subtitle", S.subtitle);
    subtitle.id = "relais-subtitle";
    heading.appendChild(title);
    heading.appendChild(subtitle);
    var closeButton = el("button", "relais-close");
    closeButton.type = "button";
    closeButton.setAttribute("aria-label", S.close);
    closeButton.title = S.close;
    closeButton.appendChild(icon(ICON_CLOSE));
    closeButton.addEventListener("click", function () { setOpen(false); });
    header.appendChild(heading);
    header.appendChild(quickExitButton("relais-exit--panel"));
    header.appendChild(closeButton);

    statusLine = el("p", "relais-status");
    statusLine.setAttribute("role", "status");
    statusLine.hidden = true;

    log = el("div", "relais-log");
    log.setAttribute("role", "region");
    log.setAttribute("aria-label", S.messages || S.bot_name);
    log.tabIndex = 0;
    list = el("ol", "relais-list");
    typingRow = el("div", "relais-typing");
    typingRow.hidden = true;
    var dots = el("span", "relais-dots");
    dots.setAttribute("aria-hidden", "true");
    dots.appendChild(el("span"));
    dots.appendChild(el("span"));
    dots.appendChild(el("span"));
    typingRow.appendChild(dots);
    typingRow.appendChild(el("span", "relais-sr", S.typing));
    choicesRow = el("div", "relais-choices");
    choicesRow.setAttribute("role", "group");
    if (S.choices) choicesRow.setAttribute("aria-label", S.choices);
    choicesRow.hidden = true;
    log.appendChild(list);
    log.appendChild(typingRow);
    log.appendChild(choicesRow);

    liveRegion = el("div", "relais-sr");
    liveRegion.setAttribute("aria-live", "polite");
    liveRegion.setAttribute("aria-relevant", "additions");

    form = el("form", "relais-form");
    form.setAttribute("novalidate", "");
    var label = el("label", "relais-sr", S.input_label);
    label.htmlFor = "relais-input";
    input = el("textarea", "relais-input");
    input.id = "relais-input";
    input.rows = 1;
    input.maxLength = maxTextLength;
    input.placeholder = S.placeholder;
    input.setAttribute("autocomplete", "off");
    input.setAttribute("enterkeyhint", "send");
    sendButton = el("button", "relais-send");
    sendButton.type = "submit";
    sendButton.setAttribute("aria-label", S.send);
    sendButton.title = S.send;
    sendButton.appendChild(icon(ICON_SEND));
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(sendButton);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      sendText();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendText();
      }
    });
    input.addEventListener("input", grow);

    var notice = el("p", "relais-notice", S.notice);
    notice.hidden = !S.notice;

    panel.appendChild(header);
    panel.appendChild(statusLine);
    panel.appendChild(log);
    panel.appendChild(form);
    panel.appendChild(notice);
    root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen) {
        event.stopPropagation();
        setOpen(false);
      }
    });

    var dock = el("div", "relais-dock");
    dockExit = quickExitButton("relais-exit--dock");
    dockExit.hidden = true;
    launcher = el("button", "relais-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-controls", "relais-panel");
    launcher.setAttribute("aria-expanded", "false");
    launcher.appendChild(icon(ICON_CHAT));
    launcher.appendChild(icon(ICON_DOWN));
    launcherLabel = el("span", "relais-launcher-label", S.launcher);
    launcher.appendChild(launcherLabel);
    launcher.addEventListener("click", function () { setOpen(!isOpen); });
    dock.appendChild(dockExit);
    dock.appendChild(launcher);

    root.appendChild(panel);
    root.appendChild(dock);
    root.appendChild(liveRegion);
    shadow.appendChild(root);
    document.body.appendChild(host);
  }

  function grow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 140) + "px";
  }

  function setOpen(open, quiet) {
    isOpen = open;
    panel.hidden = !open;
    dockExit.hidden = !open;
    root.classList.toggle("relais-is-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? S.close : S.launcher);
    if (open) {
      unread = false;
      launcher.classList.remove("relais-unread");
      connect();
      scrollDown();
      if (!quiet) {
        var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
        (touch ? title : input).focus();
      }
    } else if (!quiet) {
      launcher.focus();
    }
    save();
  }

  function setStatus(text) {
    statusLine.textContent = text || "";
    statusLine.hidden = !text;
  }

  function announce(text) {
    if (!text) return;
    var line = el("p", null, text);
    liveRegion.appendChild(line);
    while (liveRegion.childNodes.length > 4) liveRegion.removeChild(liveRegion.firstChild);
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function fill(template, name) {
    return template.split("{name}").join(name || "");
  }

  // Text with http(s) links made clickable; everything else stays plain text.
  var URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;

  function richText(node, text) {
    var last = 0;
    text.replace(URL_RE, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]»”’]+$/, "");
      var safe = null;
      try {
        var parsed = new URL(url);
        if (parsed.protocol === "https:" || parsed.protocol === "http:") safe = parsed.href;
      } catch (e) {
        safe = null;
      }
      if (!safe) return match;
      node.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = el("a", "relais-link", url);
      link.href = safe;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      if (S.new_window) link.setAttribute("aria-description", S.new_window);
      node.appendChild(link);
      last = offset + url.length;
      return match;
    });
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  // ---------------------------------------------------------------------------------------
  // Rendering activities

  var seen = new Set(); // activity ids already on screen
  var pending = new Map(); // clientActivityID -> {row, activity, id, timer}
  var lastSender = null;
  var lastAction = null; // the last message: does it carry suggested actions for us?
  var typingTimer = null;

  function senderOf(activity) {
    var from = activity.from || {};
    if (from.role !== "bot") return { kind: "user", key: "user" };
    var relais = (activity.channelData && activity.channelData.relais) || {};
    if (relais.sender === "listener") {
      return { kind: "listener", key: "listener:" + (from.name || ""), name: from.name || "" };
    }
    return { kind: "bot", key: "bot", name: S.bot_name };
  }

  function handle(activities, live) {
    var follow = nearBottom();
    activities.forEach(function (activity) {
      if (!activity || typeof activity !== "object") return;
      if (activity.type === "typing") {
        if ((activity.from || {}).role === "bot") showTyping(live);
        return;
      }
      if (activity.id) {
        if (seen.has(activity.id)) return;
        seen.add(activity.id);
      }
      if (activity.type === "event" && activity.name === "relais.listener") {
        listenerEvent(activity.value || {}, live);
        return;
      }
      if (activity.type !== "message") return;
      var sender = senderOf(activity);
      if (sender.kind === "user") {
        ownEcho(activity);
      } else {
        hideTyping();
        botMessage(activity, sender, live);
      }
      lastAction = sender.kind === "user" ? null : activity;
    });
    renderChoices();
    if (follow || live) scrollDown();
  }

  function bubbleRow(kind, sender) {
    var row = el("li", "relais-msg relais-msg--" + kind);
    // Name who speaks when that changes (the visitor's own messages don't count).
    if (kind !== "user" && sender.key !== lastSender) {
      var who = el("p", "relais-who");
      if (kind === "listener") {
        var avatar = el("span", "relais-avatar", (sender.name || "?").charAt(0).toUpperCase());
        avatar.setAttribute("aria-hidden", "true");
        who.appendChild(avatar);
      }
      who.appendChild(el("span", "relais-who-name", sender.name));
      if (kind === "listener" && S.listener) {
        who.appendChild(el("span", "relais-badge", S.listener));
      }
      row.appendChild(who);
    }
    if (kind !== "user") lastSender = sender.key;
    return row;
  }

  function botMessage(activity, sender, live) {
    var text = typeof activity.text === "string" ? activity.text : "";
    if (!text) return;
    var row = bubbleRow(sender.kind, sender);
    var bubble = el("p", "relais-bubble");
    richText(bubble, text);
    row.appendChild(bubble);
    list.appendChild(row);
    if (live) {
      announce(sender.name + " : " + text);
      if (!isOpen) {
        unread = true;
        launcher.classList.add("relais-unread");
      }
    }
  }

  function ownRow(text) {
    var row = bubbleRow("user", null);
    if (S.you) row.appendChild(el("span", "relais-sr", S.you + " : "));
    var bubble = el("p", "relais-bubble");
    richText(bubble, text);
    row.appendChild(bubble);
    var state = el("p", "relais-state");
    row.appendChild(state);
    list.appendChild(row);
    return row;
  }

  function markState(row, state) {
    var line = row.querySelector(".relais-state");
    row.classList.remove("relais-is-sending", "relais-is-sent", "relais-is-failed");
    row.classList.add("relais-is-" + state);
    line.textContent = "";
    if (state === "sending") line.textContent = S.sending;
    if (state === "sent") line.textContent = S.sent;
    if (state === "failed") {
      line.appendChild(el("span", null, S.failed + " "));
      var retry = el("button", "relais-retry", S.retry);
      retry.type = "button";
      retry.addEventListener("click", function () { resend(row); });
      line.appendChild(retry);
    }
    // "Sent" is worth showing only under the visitor's latest message.
    list.querySelectorAll(".relais-is-sent .relais-state").forEach(function (node) {
      if (node !== line) node.textContent = "";
    });
  }

  function ownEcho(activity) {
    var clientId = activity.channelData && activity.channelData.clientActivityID;
    var mine = clientId && pending.get(clientId);
    if (!mine && activity.id) {
      pending.forEach(function (entry, key) {
        if (entry.id === activity.id) {
          mine = entry;
          clientId = key;
        }
      });
    }
    if (mine) {
      pending.delete(clientId);
      clearTimeout(mine.timer);
      markState(mine.row, "sent");
      return;
    }
    var text = typeof activity.text === "string" ? activity.text : "";
    if (!text) return;
    ownRow(text);
  }

  function listenerEvent(value, live) {
    var name = typeof value.name === "string" ? value.name : "";
    var joined = value.status === "joined";
    var text = fill(joined ? S.listener_joined : S.listener_left, name);
    var row = el("li", "relais-event", text);
    list.appendChild(row);
    lastSender = null;
    subtitle.textContent = joined ? fill(S.with_listener, name) : S.subtitle;
    root.classList.toggle("relais-with-listener", joined);
    if (live) announce(text);
  }

  function showTyping(live) {
    if (!live) return;
    typingRow.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_MS);
    if (nearBottom()) scrollDown();
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    typingRow.hidden = true;
  }

  function renderChoices() {
    choicesRow.textContent = "";
    var actions = lastAction && lastAction.suggestedActions && lastAction.suggestedActions.actions;
    var to = lastAction && lastAction.suggestedActions && lastAction.suggestedActions.to;
    var forUs = !to || !to.length || (session && to.indexOf(session.userId) >= 0);
    if (!actions || !actions.length || !forUs) {
      choicesRow.hidden = true;
      return;
    }
    actions.forEach(function (action) {
      var label = action.title || action.text || "";
      if (!label) return;
      var button = el("button", "relais-choice", label);
      button.type = "button";
      button.addEventListener("click", function () {
        var body = { type: "message", text: label };
        if (action.value !== undefined && action.type !== "imBack") body.value = action.value;
        send(body, label);
      });
      choicesRow.appendChild(button);
    });
    choicesRow.hidden = false;
  }

  // ---------------------------------------------------------------------------------------
  // Sending

  function sendText() {
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    grow();
    send({ type: "message", text: text }, text);
    input.focus();
  }

  function newClientId() {
    var bytes = new Uint8Array(9);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "relais-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function send(body, text) {
    var clientId = newClientId();
    body.channelData = { clientActivityID: clientId };
    if (lang) body.locale = lang;
    lastAction = null;
    renderChoices();
    var row = ownRow(text);
    var entry = { row: row, body: body, timer: null };
    row._relais = { clientId: clientId, body: body };
    pending.set(clientId, entry);
    markState(row, "sending");
    scrollDown();
    post(clientId);
  }

  function post(clientId) {
    var entry = pending.get(clientId);
    if (!entry) return;
    ready()
      .then(function () {
        return request(
          "POST",
          DL + "/conversations/" + encodeURIComponent(session.conversationId) + "/activities",
          session.token,
          entry.body
        );
      })
      .then(function (answer) {
        if (!pending.has(clientId)) return; // the echo came first
        if (answer && answer.id) entry.id = answer.id; // an echo without client id is this
        // The server has it: if the echo is slow (socket down), don't leave it "sending" forever.
        entry.timer = setTimeout(function () {
          if (pending.delete(clientId)) markState(entry.row, "sent");
        }, ECHO_GRACE_MS);
        if (polling) poll();
      })
      .catch(function () {
        if (pending.has(clientId)) markState(entry.row, "failed");
      });
  }

  function resend(row) {
    var info = row._relais;
    if (!info) return;
    if (!pending.has(info.clientId)) {
      pending.set(info.clientId, { row: row, body: info.body, timer: null });
    }
    markState(row, "sending");
    post(info.clientId);
  }

  // ---------------------------------------------------------------------------------------
  // The conversation: start or resume, stream, reconnect, poll, refresh the token

  var session = null; // {conversationId, token, userId, watermark}
  var starting = null; // a promise while starting or resuming
  var socket = null;
  var polling = false;
  var pollTimer = null;
  var reconnectTimer = null;
  var refreshTimer = null;
  var attempts = 0;
  var socketFailures = 0;
  var stopped = false;
  var replaying = false; // the first frame after a reload is history, not news

  function ready() {
    if (session && !starting) return Promise.resolve();
    return starting || connect();
  }

  function connect() {
    if (starting) return starting;
    if (session && (socket || polling || reconnectTimer)) return Promise.resolve();
    var saved = session || load();
    starting = (saved && saved.conversationId && saved.token ? resume(saved) : begin())
      .then(function (streamUrl) {
        starting = null;
        scheduleRefresh();
        openStream(streamUrl);
      })
      .catch(function (error) {
        starting = null;
        setStatus(S.unavailable);
        throw error;
      });
    starting.catch(function () {});
    return starting;
  }

  function begin() {
    setStatus(S.connecting);
    return request("POST", ORIGIN + "/webchat/token")
      .then(function (grant) {
        return request("POST", DL + "/conversations", grant.token, {
          locale: localeOf(lang),
        }).then(function (conversation) {
          session = {
            conversationId: conversation.conversationId,
            token: conversation.token,
            userId: grant.userId,
            watermark: null,
          };
          save();
          return conversation.streamUrl;
        });
      });
  }

  function resume(saved) {
    setStatus(S.connecting);
    session = {
      conversationId: saved.conversationId,
      token: saved.token,
      userId: saved.userId,
      watermark: saved.watermark || null,
    };
    // No watermark: the stream replays the whole conversation onto the fresh screen, quietly.
    replaying = true;
    return reopen(null).catch(function (error) {
      if (error.status === 403 || error.status === 404) {
        session = null;
        replaying = false;
        forget();
        resetScreen();
        return begin();
      }
      throw error;
    });
  }

  // GET the conversation: a fresh token and a stream URL that resumes after `watermark`.
  function reopen(watermark) {
    var query = watermark ? "?watermark=" + encodeURIComponent(watermark) : "";
    return request(
      "GET",
      DL + "/conversations/" + encodeURIComponent(session.conversationId) + query,
      session.token
    ).then(function (answer) {
      if (answer.token) session.token = answer.token;
      save();
      return answer.streamUrl;
    });
  }

  function localeOf(code) {
    var base = String(code || "fr").split("-")[0].toLowerCase();
    return base === "fr" ? "fr-FR" : base === "en" ? "en-GB" : base;
  }

  // The socket goes to our own origin whatever host and scheme the server put in streamUrl.
  function sameOriginSocket(streamUrl) {
    var given = new URL(streamUrl, ORIGIN);
    var url = new URL(given.pathname + given.search, ORIGIN);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.href;
  }

  function openStream(streamUrl) {
    if (stopped) return;
    if (polling || !streamUrl || typeof WebSocket === "undefined") {
      startPolling();
      return;
    }
    var opened = false;
    var ws;
    try {
      ws = new WebSocket(sameOriginSocket(streamUrl));
    } catch (e) {
      startPolling();
      return;
    }
    socket = ws;
    ws.onopen = function () {
      opened = true;
      attempts = 0;
      socketFailures = 0;
      setStatus("");
    };
    ws.onmessage = function (event) {
      if (typeof event.data !== "string" || !event.data.trim()) return; // keep-alive
      var frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      var activities = frame.activities || [];
      handle(activities, !replaying);
      if (activities.length) replaying = false;
      if (frame.watermark) {
        session.watermark = frame.watermark;
        save();
      }
    };
    ws.onclose = function () {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      if (!opened && ++socketFailures >= 2) {
        startPolling(); // WebSockets blocked (proxy, firewall): poll instead
        return;
      }
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (stopped || reconnectTimer) return;
    setStatus(S.reconnecting);
    var delay = BACKOFF_MS[Math.min(attempts, BACKOFF_MS.length - 1)];
    attempts += 1;
    reconnectTimer = setTimeout(function () {
      reopen(session.watermark)
        .then(function (streamUrl) {
          reconnectTimer = null;
          openStream(streamUrl);
        })
        .catch(function (error) {
          reconnectTimer = null;
          if (error.status === 403 || error.status === 404) {
            restart();
          } else {
            scheduleReconnect();
          }
        });
    }, delay);
  }

  // The conversation is gone (expired token, unknown conversation): start a new one.
  function restart() {
    closeSocket();
    stopPolling();
    session = null;
    lastAction = null;
    renderChoices();
    forget();
    connect();
  }

  function startPolling() {
    if (polling) return;
    polling = true;
    setStatus("");
    poll();
  }

  function stopPolling() {
    polling = false;
    clearTimeout(pollTimer);
    pollTimer = null;
  }

  function poll() {
    clearTimeout(pollTimer);
    if (!polling || stopped || !session) return;
    var query = session.watermark ? "?watermark=" + encodeURIComponent(session.watermark) : "";
    request(
      "GET",
      DL + "/conversations/" + encodeURIComponent(session.conversationId) + "/activities" + query,
      session.token
    )
      .then(function (answer) {
        attempts = 0;
        setStatus("");
        handle(answer.activities || [], !replaying);
        replaying = false;
        if (answer.watermark) {
          session.watermark = answer.watermark;
          save();
        }
        pollTimer = setTimeout(poll, POLL_MS);
      })
      .catch(function (error) {
        if (error.status === 403 || error.status === 404) {
          restart();
          return;
        }
        setStatus(S.reconnecting);
        var delay = BACKOFF_MS[Math.min(attempts, BACKOFF_MS.length - 1)];
        attempts += 1;
        pollTimer = setTimeout(poll, delay);
      });
  }

  function scheduleRefresh() {
    clearInterval(refreshTimer);
    refreshTimer = setInterval(function () {
      if (!session || stopped) return;
      request("POST", DL + "/tokens/refresh", session.token)
        .then(function (answer) {
          if (answer.token) {
            session.token = answer.token;
            save();
          }
        })
        .catch(function () {
          /* the next GET conversation (reconnect) tells whether it is gone */
        });
    }, REFRESH_MS);
  }

  function closeSocket() {
    if (!socket) return;
    var ws = socket;
    socket = null;
    try {
      ws.close();
    } catch (e) {
      /* already closed */
    }
  }

  function resetScreen() {
    list.textContent = "";
    seen.clear();
    pending.forEach(function (entry) { clearTimeout(entry.timer); });
    pending.clear();
    lastSender = null;
    lastAction = null;
    renderChoices();
    hideTyping();
    subtitle.textContent = S.subtitle;
    root.classList.remove("relais-with-listener");
  }

  // ---------------------------------------------------------------------------------------
  // Quick exit: off the screen, out of storage, out of history.

  function quickExit() {
    stopped = true;
    forget();
    closeSocket();
    stopPolling();
    clearTimeout(reconnectTimer);
    clearInterval(refreshTimer);
    session = null;
    if (host && host.parentNode) host.parentNode.removeChild(host);
    try {
      document.title = "";
      document.body.textContent = "";
    } catch (e) {
      /* the page is going anyway */
    }
    location.replace(quickExitUrl);
  }

  // ---------------------------------------------------------------------------------------
  // Start: words first, then the interface; resume at once if this tab already had a chat.

  function applyConfig(config) {
    if (config && config.strings) {
      var strings = {};
      Object.keys(FALLBACK).forEach(function (key) {
        var value = config.strings[key];
        strings[key] = typeof value === "string" ? value : FALLBACK[key];
      });
      S = strings;
      if (config.lang) lang = config.lang;
    }
    if (config && typeof config.maxTextLength === "number" && config.maxTextLength > 0) {
      maxTextLength = config.maxTextLength;
    }
    if (config && typeof config.quickExitUrl === "string") {
      try {
        var exit = new URL(config.quickExitUrl, location.href);
        if (exit.protocol === "https:" || exit.protocol === "http:") quickExitUrl = exit.href;
      } catch (e) {
        /* keep about:blank */
      }
    }
  }

  function init() {
    request("GET", ORIGIN + "/webchat/config.json?lang=" + encodeURIComponent(lang))
      .catch(function () { return null; })
      .then(function (config) {
        applyConfig(config);
        build();
        var saved = load();
        if (saved && saved.conversationId) {
          setOpen(!!saved.open, true);
          connect();
        } else if (script.getAttribute("data-open") === "true") {
          setOpen(true, true);
        }
      });
  }

  if (document.body) init();
  else document.addEventListener("DOMContentLoaded", init);
})();
