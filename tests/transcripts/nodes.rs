//! core: one or more RaftNodes driven by hand.

use super::*;

#[derive(Default)]
pub(crate) struct Core {
    now: Time,
    nodes: BTreeMap<NodeId, RaftNode>,
    /// Seeds of each node, bumped at every restart.
    seeds: BTreeMap<NodeId, u64>,
    network: VecDeque<Envelope>,
}

impl Core {
    pub(crate) fn node(&mut self, id: NodeId) -> Result<&mut RaftNode, String> {
        self.nodes
            .get_mut(&id)
            .ok_or_else(|| format!("there is no node n{id}"))
    }

    /// Runs `input` on node `id` and describes what it produced.
    pub(crate) fn input(
        &mut self,
        id: NodeId,
        input: impl FnOnce(&mut RaftNode, Time, &mut Output),
    ) -> Result<Vec<String>, String> {
        let now = self.now;
        let node = self.node(id)?;
        let before = Summary::of(node);
        let mut out = Output::default();
        input(node, now, &mut out);
        // The transcripts' disk is synchronous: what waited for the writes
        // leaves with the rest.
        node.persisted_now(now, &mut out);
        let lines = describe_output(node, &before, &out);
        self.network.extend(out.messages);
        Ok(lines)
    }

    pub(crate) fn create(&mut self, args: &mut Args) -> Result<Vec<String>, String> {
        let id = node_id(args.positional.get(1).ok_or("node needs an id")?)?;
        let members = members(&args.take("members").ok_or("node needs members=")?)?;
        let mut timing = Timing {
            election_timeout_min: 300 * MILLIS,
            election_timeout_max: 300 * MILLIS,
            heartbeat_interval: 50 * MILLIS,
        };
        if let Some(t) = args.take("timeout") {
            let (lo, hi) = t.split_once("..").unwrap_or((&t, &t));
            timing.election_timeout_min = time(lo)?;
            timing.election_timeout_max = time(hi)?;
        }
        if let Some(h) = args.take("heartbeat") {
            timing.heartbeat_interval = time(&h)?;
        }
        let mut switches = UnsafeSwitches::none();
        if let Some(names) = args.take("unsafe") {
            for name in names.split(',') {
                let switch = UnsafeSwitch::from_name(name)
                    .ok_or_else(|| format!("unknown unsafe switch {name:?}"))?;
                switches = switches.with(switch);
            }
        }
        let (mut pre_vote, mut check_quorum) = (false, false);
        if let Some(names) = args.take("with") {
            for name in names.split(',') {
                match name {
                    "pre-vote" => pre_vote = true,
                    "check-quorum" => check_quorum = true,
                    _ => return Err(format!("unknown mechanism {name:?}")),
                }
            }
        }
        let config = Config {
            members,
            timing,
            max_entries_per_append: args
                .take("max-append")
                .map_or(Ok(64), |m| number(&m).map(|m| m as usize))?,
            pre_vote,
            check_quorum,
            reads: match args.take("reads") {
                Some(name) => ReadPath::from_name(&name)
                    .ok_or_else(|| format!("unknown read path {name:?}"))?,
                None => ReadPath::Log,
            },
            max_clock_drift_ppm: args.take("drift").map_or(Ok(0), |d| number(&d))?,
            snapshot_threshold: args
                .take("snapshot-every")
                .map(|n| number(&n))
                .transpose()?,
            snapshot_chunk_records: args
                .take("chunk")
                .map_or(Ok(4), |n| number(&n).map(|n| n as usize))?,
            unsafe_switches: switches,
        };
        let mut log = RaftLog::new();
        if let Some(text) = args.take("log") {
            for entry in parse_entries(&text, 1)? {
                log.append(entry);
            }
        }
        let persistent = PersistentState {
            current_term: args.take("term").map_or(Ok(0), |t| number(&t))?,
            voted_for: args.take("vote").map(|v| node_id(&v)).transpose()?,
            log,
            snapshot: None,
        };
        let seed = args.take("seed").map_or(Ok(id), |s| number(&s))?;
        args.done()?;
        self.seeds.insert(id, seed);
        let node = RaftNode::restart(id, config, persistent, Rng::new(seed), self.now);
        let lines = describe_state(&node);
        self.nodes.insert(id, node);
        Ok(lines)
    }

    pub(crate) fn matches(e: &Envelope, from: Option<NodeId>, to: Option<NodeId>) -> bool {
        from.is_none_or(|f| f == e.from) && to.is_none_or(|t| t == e.to)
    }

    pub(crate) fn filter(args: &mut Args) -> Result<(Option<NodeId>, Option<NodeId>), String> {
        let from = args.take("from").map(|v| node_id(&v)).transpose()?;
        let to = args.take("to").map(|v| node_id(&v)).transpose()?;
        args.done()?;
        Ok((from, to))
    }

    /// One round of delivery of the matching queued messages.
    pub(crate) fn deliver(&mut self, from: Option<NodeId>, to: Option<NodeId>) -> Vec<String> {
        let (now_due, rest): (Vec<Envelope>, Vec<Envelope>) = std::mem::take(&mut self.network)
            .into_iter()
            .partition(|e| Self::matches(e, from, to));
        self.network = rest.into();
        let mut lines = Vec::new();
        for envelope in now_due {
            lines.push(describe_envelope(&envelope));
            let Envelope { from, to, message } = envelope;
            match self.input(to, |n, now, out| n.step(now, from, message, out)) {
                Ok(effects) => lines.extend(effects.into_iter().map(|l| format!("  {l}"))),
                Err(_) => lines.push(format!("  lost: there is no node n{to}")),
            }
        }
        lines
    }
}

impl Interpreter for Core {
    fn run(&mut self, command: &str, input: &[String]) -> Result<Vec<String>, String> {
        if !input.is_empty() {
            return Err("core commands take no input lines".into());
        }
        let words = tokens(command);
        let mut args = Args::parse(&words);
        if let Some(at) = args.take("at") {
            self.now = time(&at)?;
        }
        let name = args.positional.first().cloned().unwrap_or_default();
        let id_arg = |args: &Args, i: usize| -> Result<NodeId, String> {
            node_id(
                args.positional
                    .get(i)
                    .ok_or_else(|| format!("{name} needs a node"))?,
            )
        };
        match name.as_str() {
            "node" => self.create(&mut args),
            "tick" => {
                let id = id_arg(&args, 1)?;
                args.done()?;
                self.input(id, |n, now, out| n.tick(now, out))
            }
            "timeout" => {
                let id = id_arg(&args, 1)?;
                args.done()?;
                self.input(id, |n, now, out| n.force_timeout(now, out))
            }
            "change" => {
                let id = id_arg(&args, 1)?;
                let replace = (args.take("replace"), args.take("with"));
                let single = (args.take("add"), args.take("promote"), args.take("remove"));
                let change = match (single, replace) {
                    ((Some(n), None, None), (None, None)) => ConfigChange::AddLearner(node_id(&n)?),
                    ((None, Some(n), None), (None, None)) => ConfigChange::Promote(node_id(&n)?),
                    ((None, None, Some(n)), (None, None)) => ConfigChange::Remove(node_id(&n)?),
                    ((None, None, None), (Some(old), Some(new))) => ConfigChange::Replace {
                        remove: members(&old)?,
                        add: members(&new)?,
                    },
                    _ => {
                        let forms = "add=N, promote=N, remove=N or replace=A,B with=C,D";
                        return Err(format!("change needs one of {forms}"));
                    }
                };
                args.done()?;
                let mut refused = None;
                let mut lines = self.input(id, |n, now, out| {
                    refused = n.propose_change(now, change, out).err();
                })?;
                lines.extend(refused.map(|why| format!("n{id} refuses the change: {why}")));
                Ok(lines)
            }
            "transfer" => {
                let id = id_arg(&args, 1)?;
                let to = node_id(&args.take("to").ok_or("transfer needs to=")?)?;
                args.done()?;
                self.input(id, |n, now, out| n.transfer_leadership(now, to, out))
            }
            "step" => {
                args.done()?;
                let p = &args.positional;
                if p.len() != 5 || p[2] != "->" {
                    return Err("step is `step nFROM -> nTO MESSAGE`".into());
                }
                let (from, to) = (node_id(&p[1])?, node_id(&p[3])?);
                let message = parse_message(&p[4])?;
                self.input(to, |n, now, out| n.step(now, from, message, out))
            }
            "propose" => {
                args.done()?;
                let p = &args.positional;
                if p.len() != 4 {
                    return Err("propose is `propose ID cC#R OP`".into());
                }
                let id = node_id(&p[1])?;
                let command = parse_command(&p[2], &p[3])?;
                self.input(id, |n, now, out| n.propose(now, command, out))
            }
            "restart" => {
                let id = id_arg(&args, 1)?;
                args.done()?;
                let old = self
                    .nodes
                    .remove(&id)
                    .ok_or_else(|| format!("there is no node n{id}"))?;
                let config = old.config().clone();
                let seed = self.seeds.get(&id).copied().unwrap_or(id) + 1;
                self.seeds.insert(id, seed);
                let node =
                    RaftNode::restart(id, config, old.into_persistent(), Rng::new(seed), self.now);
                let lines = describe_state(&node);
                self.nodes.insert(id, node);
                Ok(lines)
            }
            "state" => {
                args.done()?;
                let mut lines = Vec::new();
                for word in &args.positional[1..] {
                    let id = node_id(word)?;
                    lines.extend(describe_state(self.node(id)?));
                }
                Ok(lines)
            }
            "deliver" => {
                let (from, to) = Self::filter(&mut args)?;
                Ok(self.deliver(from, to))
            }
            "stabilize" => {
                args.done()?;
                let mut lines = Vec::new();
                let mut rounds = 0;
                while !self.network.is_empty() {
                    rounds += 1;
                    if rounds > 100 {
                        return Err("the network did not empty in 100 rounds".into());
                    }
                    lines.extend(self.deliver(None, None));
                }
                Ok(lines)
            }
            "drop" => {
                let (from, to) = Self::filter(&mut args)?;
                let (dropped, rest): (Vec<Envelope>, Vec<Envelope>) =
                    std::mem::take(&mut self.network)
                        .into_iter()
                        .partition(|e| Self::matches(e, from, to));
                self.network = rest.into();
                Ok(dropped
                    .iter()
                    .map(|e| format!("dropped {}", describe_envelope(e)))
                    .collect())
            }
            "msgs" => {
                args.done()?;
                Ok(self.network.iter().map(describe_envelope).collect())
            }
            other => Err(format!("unknown core command {other:?}")),
        }
    }
}
