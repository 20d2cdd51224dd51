// The host side of the Raft Playground's postMessage protocol
// (docs/embedding.md): this page's buttons send commands to the embedded
// playground, and the log prints the events it reports.
'use strict';

const frame = document.getElementById('cluster');
const log = document.getElementById('log');
const status = document.getElementById('status');
const buttons = [...document.querySelectorAll('button[data-command]')];

// The embed and this page share an origin here. `origin=` tells the embed
// to obey this origin only; this page likewise listens to that origin only.
const served = location.origin.startsWith('http');
const EMBED_ORIGIN = served ? location.origin : '*';
frame.src = frame.dataset.embed + (served ? `&origin=${location.origin}` : '');

const MAX_LOG = 200;
let nodes = 5;
let leader = null;
let paused = false;
let writes = 0;

/** A scenario, written as a scenario file is (docs/scenario-format.md). */
const MINORITY_LEADER = {
  version: 1, seed: 7, nodes: 5, duration_us: 6000000, client_timeout_us: 5000000,
  timing: { election_timeout_min_us: 150000, election_timeout_max_us: 300000, heartbeat_us: 50000 },
  network: { latency_min_us: 10000, latency_max_us: 20000, loss: 0, duplication: 0 },
  actions: [
    { t: 1000000, action: 'client', op: 'write', key: 'msg', value: 'before the partition' },
    { t: 1500000, action: 'partition', groups: [[4, 1], [2, 3, 5]] },
    { t: 1600000, action: 'client', node: 4, op: 'write', key: 'msg', value: 'to the old leader' },
    { t: 3000000, action: 'client', op: 'write', key: 'msg', value: 'after the election' },
    { t: 4000000, action: 'heal' },
  ],
};

function send(command) {
  frame.contentWindow.postMessage(command, EMBED_ORIGIN);
}

function act(action) {
  send({ type: 'act', action });
}

const seconds = (t) => `t = ${(t / 1e6).toFixed(3)} s`;

/** Adds a line to the top of the log; `data` becomes data-* attributes. */
function note(type, text, t, data = {}) {
  const li = document.createElement('li');
  li.dataset.type = type;
  for (const [key, value] of Object.entries(data)) li.dataset[key] = String(value);
  const time = document.createElement('span');
  time.className = 't';
  time.textContent = t == null ? 'you' : seconds(t);
  li.append(time, ' ', text);
  log.prepend(li);
  while (log.children.length > MAX_LOG) log.lastElementChild.remove();
}

function others(than) {
  const all = [];
  for (let n = 1; n <= nodes; n++) if (n !== than) all.push(n);
  return all;
}

const commands = {
  crash() {
    if (leader == null) return note('you', 'There is no leader to crash right now.');
    act({ action: 'restart', node: leader });
    note('you', `You crashed node ${leader}, the leader; it reboots as a follower.`);
  },
  partition() {
    const first = leader ?? 1;
    const rest = others(first);
    const groups = [[first, rest[0]], rest.slice(1)];
    act({ action: 'partition', groups });
    note('you', `You split the network: {${groups[0].join(', ')}} | {${groups[1].join(', ')}}.`);
  },
  heal() {
    act({ action: 'heal' });
    note('you', 'You healed the network.');
  },
  write() {
    writes += 1;
    act({ action: 'client', op: 'write', key: 'msg', value: `hello ${writes}` });
    note('you', `You sent "write msg=hello ${writes}" to the leader.`);
  },
  load() {
    send({ type: 'load', scenario: MINORITY_LEADER });
    note('you', 'You loaded a scenario: a leader stranded on the minority side.');
  },
  pause() {
    send({ type: paused ? 'play' : 'pause' });
  },
};

for (const button of buttons) {
  button.addEventListener('click', () => commands[button.dataset.command]());
}

function showClock(m) {
  paused = m.paused;
  leader = m.leader ?? null;
  status.dataset.t = m.t_us;
  status.dataset.leader = m.leader ?? '';
  status.textContent = `${seconds(m.t_us)} · leader: ${m.leader == null ? 'none' : `node ${m.leader}`}`
    + ` · ${m.paused ? 'paused' : 'playing'}`;
  const toggle = buttons.find((b) => b.dataset.command === 'pause');
  toggle.textContent = m.paused ? 'Play' : 'Pause';
}

const report = {
  ready(m) {
    nodes = m.nodes;
    send({ type: 'subscribe', events: ['leader_elected', 'committed', 'request_finished', 'violation', 'clock'] });
    for (const b of buttons) b.disabled = false;
    showClock(m);
    note('ready', `The playground is ready: ${m.nodes} nodes.`, m.t_us);
  },
  leader_elected(m) {
    leader = m.node;
    note('leader_elected', `Node ${m.node} was elected leader for term ${m.term}.`, m.t_us,
      { node: m.node, term: m.term });
  },
  committed(m) {
    note('committed', `Leader ${m.node} committed every entry up to index ${m.index} (term ${m.term}).`, m.t_us,
      { node: m.node, index: m.index });
  },
  request_finished(m) {
    const result = m.result == null ? '' : ` (read ${m.result})`;
    note('request_finished', `"${m.op ?? `request ${m.request}`}" finished: ${m.outcome}${result}.`, m.t_us,
      { outcome: m.outcome });
  },
  violation(m) {
    note('violation', `Invariant violated: ${m.invariant} on nodes ${m.nodes.join(', ')}: ${m.detail}`, m.t_us);
  },
  clock: showClock,
  error(m) {
    note('error', `The playground refused "${m.command}": ${m.message}`, null, { command: m.command });
  },
};

window.addEventListener('message', (event) => {
  // Only the embed's messages: from its window, its origin, and marked.
  if (event.source !== frame.contentWindow) return;
  if (EMBED_ORIGIN !== '*' && event.origin !== EMBED_ORIGIN) return;
  const m = event.data;
  if (!m || m.source !== 'raft-playground' || !Object.hasOwn(report, m.type)) return;
  report[m.type](m);
});
