//! How the page writes names and lists in its sentences, in one place so
//! that the Safety panel, the event log, the timeline's marks and the
//! What-if story say them alike.

/// A checker's snake_case name as the page writes it: "leader_completeness"
/// is "leader completeness".
pub fn in_words(name: &str) -> String {
    name.replace('_', " ")
}

/// Items as a sentence lists them: "a", "a and b", "a, b and c"; nothing
/// for none.
pub fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Servers as a sentence lists them: "n4", "n4 and n7", "n4, n7 and n2".
pub fn servers(nodes: &[crate::raft::NodeId]) -> String {
    listed(&nodes.iter().map(|n| format!("n{n}")).collect::<Vec<_>>())
}

/// The servers a sentence is about: "on n4", "on n4 and n7", "on n4, n7
/// and n2"; nothing for none.
pub fn on_servers(nodes: &[crate::raft::NodeId]) -> String {
    match nodes.is_empty() {
        true => String::new(),
        false => format!("on {}", servers(nodes)),
    }
}

/// A client as the page names it: "you" for the person's own requests
/// (each has a client id of its own, from `USER_CLIENT_BASE` up, which
/// means nothing to them), "client 3" for the background workload's.
pub fn client(id: crate::raft::ClientId) -> String {
    match crate::sim::workload::is_user_client(id) {
        true => "you".into(),
        false => format!("client {id}"),
    }
}

/// A count with its noun: "1 action", "0 actions", "16 actions" (nouns
/// that take an s).
pub fn counted(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// A read path by its name (thesis §6.4).
pub fn read_path_label(path: crate::raft::ReadPath) -> &'static str {
    use crate::raft::ReadPath;
    match path {
        ReadPath::Log => "through the log",
        ReadPath::ReadIndex => "ReadIndex",
        ReadPath::Lease => "lease",
        ReadPath::Local => "local (not linearizable)",
    }
}

/// A read path as the menus offer it: a lease says it needs CheckQuorum
/// while CheckQuorum is off (§6.4.1: followers must refuse votes while
/// the lease runs).
pub fn read_path_option(path: crate::raft::ReadPath, check_quorum: bool) -> String {
    match (path, check_quorum) {
        (crate::raft::ReadPath::Lease, false) => "lease (needs CheckQuorum)".into(),
        _ => read_path_label(path).into(),
    }
}

/// How a read goes, in a sentence: "client read x by ReadIndex".
pub fn read_path_words(path: crate::raft::ReadPath) -> &'static str {
    use crate::raft::ReadPath;
    match path {
        ReadPath::Log => "through the log",
        ReadPath::ReadIndex => "by ReadIndex",
        ReadPath::Lease => "by lease",
        ReadPath::Local => "locally",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_needs_check_quorum_only_while_it_is_off() {
        use crate::raft::ReadPath;
        assert_eq!(
            read_path_option(ReadPath::Lease, false),
            "lease (needs CheckQuorum)"
        );
        assert_eq!(read_path_option(ReadPath::Lease, true), "lease");
        assert_eq!(read_path_option(ReadPath::ReadIndex, false), "ReadIndex");
    }

    #[test]
    fn names_and_lists_read_as_a_person_writes_them() {
        assert_eq!(in_words("leader_completeness"), "leader completeness");
        let items = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(listed(&items(&[])), "");
        assert_eq!(listed(&items(&["n4"])), "n4");
        assert_eq!(listed(&items(&["n4", "n7"])), "n4 and n7");
        assert_eq!(listed(&items(&["n4", "n7", "n2"])), "n4, n7 and n2");
        assert_eq!(on_servers(&[]), "");
        assert_eq!(on_servers(&[4, 7, 2]), "on n4, n7 and n2");
        assert_eq!(counted(0, "action"), "0 actions");
        assert_eq!(counted(1, "action"), "1 action");
        assert_eq!(counted(16, "action"), "16 actions");
    }
}
