//! linearizability: the checker on a written history.

use super::*;

pub(crate) struct Lin;

pub(crate) fn operation(r: HistoryRecord) -> Result<Operation, String> {
    let need = |v: Option<String>, f: &str| v.ok_or_else(|| format!("a {:?} needs {f}", r.op));
    let op = match r.op {
        OpKind::Read => Op::Read { key: r.key.clone() },
        OpKind::Write => Op::Write {
            key: r.key.clone(),
            value: need(r.value.clone(), "value")?,
        },
        OpKind::Cas => Op::Cas {
            key: r.key.clone(),
            from: need(r.from.clone(), "from")?,
            to: need(r.to.clone(), "to")?,
        },
    };
    Ok(Operation {
        client: r.client,
        request: r.request,
        op,
        invoke_t: r.invoke_t,
        return_t: r.return_t,
        outcome: r.outcome,
        read_result: r.result,
        index: r.index,
        served_by: None,
        redirects: r.redirects,
        failure: None,
    })
}

impl Interpreter for Lin {
    fn run(&mut self, command: &str, input: &[String]) -> Result<Vec<String>, String> {
        let words = tokens(command);
        let mut args = Args::parse(&words);
        if args.positional.first().map(String::as_str) != Some("check") {
            return Err("the only linearizability command is `check`".into());
        }
        let budget = args.take("budget").map_or(Ok(100_000), |b| number(&b))?;
        args.done()?;
        let mut history = Vec::new();
        for line in input {
            let line = line.trim().trim_end_matches(',');
            if line == "[" || line == "]" || line.is_empty() {
                continue;
            }
            history.push(operation(raft_playground::json::from_str(line)?)?);
        }
        let report = check(&history, budget);
        let mut lines = vec![format!(
            "{} operations, {} keys checked, {} operations checked",
            history.len(),
            report.keys_checked,
            report.ops_checked
        )];
        lines.push(report.verdict.to_string());
        if let Verdict::NotLinearizable { ops, .. } = &report.verdict {
            let ops: Vec<String> = ops.iter().map(|i| format!("#{i}")).collect();
            lines.push(format!(
                "longest linearizable prefix, then the stuck operation: {}",
                ops.join(" ")
            ));
        }
        Ok(lines)
    }
}
