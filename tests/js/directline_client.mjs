// Microsoft's own Direct Line client (botframework-directlinejs) against a running Relais server.
//
//   node tests/js/directline_client.mjs <baseUrl> <websocket|polling>
//
// One conversation, as a visitor of the site chat would have it: token from /webchat/token,
// connect, welcome, a message and its echo, the bot's advice, a tapped suggested action, then a
// second client that resumes the conversation from the first one's watermark (nothing lost,
// nothing repeated). Prints one JSON summary line on stdout; exits 1 with a message on stderr
// at the first failure, or after TIMEOUT_MS. Run by tests/bot/channels/test_directline_clients.py.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// Node 20 has neither: without XMLHttpRequest the client hangs at "Connecting" (rxjs 5's ajax),
// and it needs WebSocket to be defined even when polling.
globalThis.XMLHttpRequest = require('xhr2');
globalThis.WebSocket = require('ws');

const { DirectLine, ConnectionStatus } = require('botframework-directlinejs');

const TIMEOUT_MS = 30_000;
const POLLING_INTERVAL_MS = 300;

const [base, mode] = process.argv.slice(2);
if (!base || !['websocket', 'polling'].includes(mode)) {
  console.error('usage: node directline_client.mjs <baseUrl> <websocket|polling>');
  process.exit(2);
}
const domain = `${base.replace(/\/$/, '')}/v3/directline`;
const webSocket = mode === 'websocket';
const started = Date.now();
const steps = [];

function fail(message) {
  console.error(`directline_client (${mode}): FAILED: ${message}`);
  console.error(`directline_client (${mode}): steps done: ${steps.join(' → ') || 'none'}`);
  process.exit(1);
}

process.on('unhandledRejection', (error) => fail(`unhandled rejection: ${error?.stack || error}`));
process.on('uncaughtException', (error) => fail(`uncaught exception: ${error?.stack || error}`));
const waiting = new Set(); // what the script is waiting for, named in the timeout message
setTimeout(
  () => fail(`timed out after ${TIMEOUT_MS / 1000} s, waiting for: ${[...waiting].join(', ') || 'a response'}`),
  TIMEOUT_MS,
);

function check(condition, message, detail) {
  if (!condition) fail(detail === undefined ? message : `${message}: ${JSON.stringify(detail)}`);
}

function step(name) {
  steps.push(name);
}

const brief = (a) => ({
  id: a.id,
  type: a.type,
  role: a.from?.role,
  text: typeof a.text === 'string' ? a.text.slice(0, 60) : undefined,
});

const seenIds = new Set();

// What Web Chat relies on for every activity it renders (see shared/reference/directline.md).
function checkShape(name, a, earlier) {
  const where = `${name}: activity ${JSON.stringify(brief(a))}`;
  check(['user', 'bot'].includes(a.from?.role), `${where}: from.role must be user or bot`, a.from);
  check(a.channelId === 'directline', `${where}: channelId must be "directline"`, a.channelId);
  check(
    typeof a.timestamp === 'string' && !Number.isNaN(Date.parse(a.timestamp)),
    `${where}: no ISO 8601 timestamp`,
    a.timestamp,
  );
  check(a.conversation?.id, `${where}: no conversation.id`, a.conversation);
  if (a.type === 'typing') return;
  check(typeof a.id === 'string' && a.id, `${where}: no id`);
  check(!earlier.some((b) => b.id === a.id), `${where}: received twice`);
  seenIds.add(a.id);
  // Web Chat holds a reply for 5 s when replyToId names an activity it has not received (the
  // page that resumes a conversation keeps what it showed before: count both clients).
  check(
    !a.replyToId || seenIds.has(a.replyToId),
    `${where}: replyToId names an activity not received before it`,
    a.replyToId,
  );
}

// One DirectLine instance, its connection statuses and everything it received, in order.
class Client {
  constructor(name, options) {
    this.name = name;
    this.dl = new DirectLine({ domain, webSocket, pollingInterval: POLLING_INTERVAL_MS, ...options });
    this.received = [];
    this.statuses = [];
    this.waiters = [];
    waiting.add(`${name}: Online`);
    this.online = new Promise((resolve) => {
      this.statusSubscription = this.dl.connectionStatus$.subscribe((status) => {
        this.statuses.push(ConnectionStatus[status]);
        if (status === ConnectionStatus.Online) {
          waiting.delete(`${name}: Online`);
          resolve();
        }
        if (
          status === ConnectionStatus.FailedToConnect ||
          status === ConnectionStatus.Ended ||
          status === ConnectionStatus.ExpiredToken
        ) {
          fail(`${name}: connection status ${ConnectionStatus[status]} (${this.statuses.join(' → ')})`);
        }
      });
    });
    // Subscribing to activity$ is what makes the client connect.
    this.activitySubscription = this.dl.activity$.subscribe(
      (activity) => {
        checkShape(name, activity, this.received);
        this.received.push(activity);
        this.waiters = this.waiters.filter((waiter) => !waiter.test());
      },
      (error) => fail(`${name}: activity$ errored: ${error?.message || error?.type || error}`),
      () => fail(`${name}: activity$ completed unexpectedly`),
    );
  }

  // The first activity at index >= from that matches: resolves with its index.
  waitFor(label, predicate, from = 0) {
    waiting.add(`${this.name}: ${label}`);
    return new Promise((resolve) => {
      const waiter = {
        test: () => {
          const index = this.received.findIndex((a, i) => i >= from && predicate(a));
          if (index < 0) return false;
          resolve(index);
          return true;
        },
      };
      if (!waiter.test()) this.waiters.push(waiter);
    }).then((index) => {
      waiting.delete(`${this.name}: ${label}`);
      step(`${this.name}: ${label}`);
      return index;
    });
  }

  post(activity) {
    return new Promise((resolve, reject) => {
      this.dl.postActivity(activity).subscribe(resolve, (error) =>
        reject(new Error(`${this.name}: postActivity failed: HTTP ${error?.status} ${error?.message}`)),
      );
    }).then((id) => {
      check(typeof id === 'string' && id && id !== 'retry', `${this.name}: postActivity returned no id`, id);
      return id;
    });
  }

  // Stored activities only: typing indicators have no id and no watermark.
  storedIds() {
    return this.received.filter((a) => a.type !== 'typing').map((a) => a.id);
  }

  close() {
    this.statusSubscription.unsubscribe(); // Ended is expected from here on
    this.activitySubscription.unsubscribe(); // closes the WebSocket
    this.dl.end(); // stops the token refresh timer and polling
  }
}

const isBot = (a) => a.from?.role === 'bot' && a.type === 'message';
const textHas = (a, word) => typeof a.text === 'string' && a.text.includes(word);
let clientIds = 0;
const clientActivityID = () => `${mode}-${Date.now()}-${++clientIds}`;

async function postAndEcho(client, activity, grant) {
  const cid = clientActivityID();
  const id = await client.post({
    ...activity,
    from: { id: 'anything' }, // the server must take the visitor's id from the token
    locale: 'fr-FR',
    channelData: { clientActivityID: cid },
  });
  const index = await client.waitFor(
    `echo of ${JSON.stringify(activity.text)}`,
    (a) => a.channelData?.clientActivityID === cid,
  );
  const echo = client.received[index];
  check(echo.id === id, `${client.name}: echo id differs from postActivity's id`, { echo: echo.id, id });
  check(echo.from?.role === 'user', `${client.name}: echo from.role is not "user"`, echo.from);
  check(echo.from?.id === grant.userId, `${client.name}: echo from.id is not the token's user`, {
    from: echo.from,
    userId: grant.userId,
  });
  check(echo.text === activity.text, `${client.name}: echo text differs`, echo.text);
  return { id, index };
}

async function getJson(path, token) {
  const response = await fetch(`${domain}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  check(response.ok, `GET ${path}: HTTP ${response.status}`, await response.clone().text());
  return response.json();
}

async function main() {
  // 1. A token for an anonymous visitor, as the site's page gets it.
  const tokenResponse = await fetch(`${base}/webchat/token`, { method: 'POST' });
  check(tokenResponse.ok, `POST /webchat/token: HTTP ${tokenResponse.status}`);
  const grant = await tokenResponse.json();
  for (const key of ['conversationId', 'token', 'expires_in', 'userId']) {
    check(grant[key], `POST /webchat/token: no ${key}`, grant);
  }
  step('token');

  // 2. Connect: POST /conversations, then the WebSocket stream or polling.
  const first = new Client('first', { token: grant.token });
  await first.online;
  step('first: Online');
  check(first.dl.conversationId === grant.conversationId, 'conversationId differs from the token', {
    client: first.dl.conversationId,
    token: grant.conversationId,
  });

  // 3. The welcome.
  await first.waitFor('welcome', (a) => isBot(a) && textHas(a, 'robot'));

  // 4. A message: echoed with the same clientActivityID and id, then the advice.
  const insult = await postAndEcho(first, { type: 'message', text: "on m'insulte sur insta" }, grant);
  const advice = await first.waitFor(
    'advice about Instagram',
    (a) => isBot(a) && textHas(a, 'Instagram'),
    insult.index + 1,
  );
  const adviceActivity = first.received[advice];

  // 5. Tap the "talk to a listener" suggested action that follows the advice.
  const offer = await first.waitFor(
    'ASK_LISTENER suggested action',
    (a) => isBot(a) && (a.suggestedActions?.actions || []).some((x) => x.value?.payload === 'ASK_LISTENER'),
    advice,
  );
  const action = first.received[offer].suggestedActions.actions.find((x) => x.value?.payload === 'ASK_LISTENER');
  const tap = await postAndEcho(first, { type: 'message', text: action.title, value: action.value }, grant);
  await first.waitFor('listener answer', (a) => isBot(a) && textHas(a, 'écoutant'), tap.index + 1);

  // 6. Leave, as a page reload would, keeping the conversation id, token and watermark.
  const watermark = first.dl.watermark;
  const token = first.dl.token; // the client may have replaced the first token
  check(/^\d+$/.test(watermark), 'first: no numeric watermark', watermark);
  first.close();
  step(`first: closed at watermark ${watermark}`);
  const firstIds = first.storedIds();
  const everything = await getJson(`/conversations/${grant.conversationId}/activities`, token);
  check(
    JSON.stringify(firstIds) === JSON.stringify(everything.activities.slice(0, firstIds.length).map((a) => a.id)),
    'first: received activities differ from the stored ones (lost, repeated or out of order)',
    { received: firstIds, stored: everything.activities.map((a) => a.id) },
  );

  // 7. While nobody is connected, the visitor's other tab says something (plain REST).
  const missedCid = clientActivityID();
  const missedResponse = await fetch(`${domain}/conversations/${grant.conversationId}/activities`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      text: 'merci',
      from: { id: 'anything' },
      channelData: { clientActivityID: missedCid },
    }),
  });
  check(missedResponse.ok, `POST activities while disconnected: HTTP ${missedResponse.status}`);
  const missed = await missedResponse.json();
  step('posted while disconnected');

  // 8. A second client resumes: GET /conversations/{id}?watermark=W, then stream/poll from W.
  const second = new Client('second', { token, conversationId: grant.conversationId, watermark });
  await second.online;
  step('second: Online');
  const missedIndex = await second.waitFor('missed message replayed', (a) => a.id === missed.id);
  await second.waitFor('bot answer to the missed message', isBot, missedIndex + 1);
  const after = await postAndEcho(second, { type: 'message', text: "c'est anonyme ?" }, grant);
  await second.waitFor('bot answer after resuming', isBot, after.index + 1);
  const secondIds = second.storedIds();
  const repeated = secondIds.filter((id) => firstIds.includes(id));
  check(repeated.length === 0, 'second: activities before the watermark were repeated', repeated);
  const rest = await getJson(
    `/conversations/${grant.conversationId}/activities?watermark=${encodeURIComponent(watermark)}`,
    second.dl.token,
  );
  check(
    JSON.stringify(secondIds) === JSON.stringify(rest.activities.slice(0, secondIds.length).map((a) => a.id)),
    'second: received activities differ from those stored after the watermark (lost, repeated or out of order)',
    { received: secondIds, stored: rest.activities.map((a) => a.id) },
  );
  check(Number(second.dl.watermark) > Number(watermark), 'second: watermark did not advance', {
    before: watermark,
    after: second.dl.watermark,
  });
  second.close();
  step('second: closed');

  const summary = {
    ok: true,
    mode,
    client: 'botframework-directlinejs',
    ms: Date.now() - started,
    conversationId: grant.conversationId,
    statuses: { first: first.statuses, second: second.statuses },
    received: { first: first.received.length, second: second.received.length },
    typing: first.received.filter((a) => a.type === 'typing').length,
    echoId: insult.id,
    adviceReplyToId: adviceActivity.replyToId ?? null,
    watermarks: { left: watermark, resumed: second.dl.watermark },
    secondReceived: second.received.filter((a) => a.type !== 'typing').map(brief),
    steps,
  };
  console.log(JSON.stringify(summary));
  process.exit(0);
}

main().catch((error) => fail(error?.stack || String(error)));
