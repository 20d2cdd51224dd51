//! sim: a simulated cluster with a seed and timed actions.

use super::*;

#[derive(Default)]
pub(crate) struct Sim {
    sim: Option<Simulation>,
    events: EventLog,
    /// The actions scheduled, which the event log says in words.
    actions: Vec<(Time, Action)>,
}

impl Sim {
    /// Feeds the newly recorded trace events to the event log; returns the
    /// sentences they added.
    pub(crate) fn new_sentences(&mut self) -> Vec<String> {
        let Some(sim) = &mut self.sim else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        for (t, event) in sim.trace_mut().take_recorded() {
            let before = self.events.len();
            let last = self.events.lines().next_back().cloned();
            self.events.record_in_run(t, &event, &self.actions);
            let grew = self.events.len() > before;
            let scrolled = before == KEEP && self.events.lines().next_back() != last.as_ref();
            if grew || scrolled {
                lines.extend(self.events.lines().next_back().cloned());
            }
        }
        lines
    }

    pub(crate) fn status(sim: &Simulation) -> Vec<String> {
        sim.servers()
            .iter()
            .map(|s| {
                let n = &s.node;
                let role = if s.up { n.role().as_str() } else { "stopped" };
                let log: Vec<String> = n
                    .log()
                    .entries()
                    .iter()
                    .enumerate()
                    .map(|(i, e)| format!("{}/{}", i + 1, e.term))
                    .collect();
                format!(
                    "n{} {role} term={} commit={} log=[{}]",
                    n.id(),
                    n.current_term(),
                    n.commit_index(),
                    log.join(" ")
                )
            })
            .collect()
    }
}

impl Interpreter for Sim {
    fn run(&mut self, command: &str, input: &[String]) -> Result<Vec<String>, String> {
        let words = tokens(command);
        let mut args = Args::parse(&words);
        let name = args.positional.first().cloned().unwrap_or_default();
        match name.as_str() {
            "cluster" => {
                let seed = number(&args.take("seed").ok_or("cluster needs seed=")?)?;
                let nodes = number(&args.take("nodes").ok_or("cluster needs nodes=")?)?;
                args.done()?;
                let sim = Simulation::new(playground_config(seed, nodes))?;
                let lines = sim
                    .servers()
                    .iter()
                    .map(|s| {
                        format!(
                            "n{} first election timeout at {}",
                            s.node.id(),
                            show_time(s.node.election_deadline())
                        )
                    })
                    .collect();
                self.sim = Some(sim);
                self.events = EventLog::default();
                self.actions.clear();
                self.new_sentences();
                Ok(lines)
            }
            "schedule" => {
                args.done()?;
                let sim = self.sim.as_mut().ok_or("no cluster yet")?;
                let mut lines = Vec::new();
                for line in input {
                    let record: ActionRecord = raft_playground::json::from_str(line)?;
                    let at = record.t.ok_or("an action needs \"t\"")?;
                    let action = Action::try_from(record)?;
                    lines.push(format!("at {}: {action}", show_time(at)));
                    self.actions.push((at, action.clone()));
                    sim.schedule(at, action)?;
                }
                Ok(lines)
            }
            "run" => {
                let duration = time(args.positional.get(1).ok_or("run needs a duration")?)?;
                args.done()?;
                let sim = self.sim.as_mut().ok_or("no cluster yet")?;
                let until = sim.now() + duration;
                sim.run_until(until);
                let mut lines = vec![format!("now {}", show_time(until))];
                lines.extend(self.new_sentences());
                let sim = self.sim.as_ref().ok_or("no cluster yet")?;
                lines.extend(Self::status(sim));
                Ok(lines)
            }
            other => Err(format!("unknown sim command {other:?}")),
        }
    }
}
