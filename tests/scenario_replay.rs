//! A scenario file replays to the same trace hash natively, in the browser
//! (tests/browser.rs pins the same number) and through `raft-sim run
//! --scenario`.

use raft_playground::sim::Scenario;
use std::process::Command;

/// The trace hash of docs/examples/minority-leader.json at its duration.
/// tests/browser.rs asserts the same value from wasm.
pub const MINORITY_LEADER_HASH: u64 = 0x11d3_eb0e_6a12_6b7c;

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/docs/examples/minority-leader.json"
);

#[test]
fn the_example_scenario_replays_to_its_pinned_hash() {
    let scenario = Scenario::from_json(&std::fs::read_to_string(FILE).unwrap()).unwrap();
    assert_eq!(scenario.run().unwrap().trace_hash(), MINORITY_LEADER_HASH);
    assert_eq!(
        scenario.run().unwrap().trace_hash(),
        MINORITY_LEADER_HASH,
        "twice"
    );
}

#[test]
fn the_cli_prints_the_same_hash_for_the_scenario() {
    let out = Command::new(env!("CARGO_BIN_EXE_raft-sim"))
        .args(["run", "--scenario", FILE])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = format!("trace hash at the end of the fault phase: {MINORITY_LEADER_HASH:016x}");
    assert!(stdout.contains(&expected), "{stdout}");
}

#[test]
fn a_broken_scenario_file_is_refused_with_its_reason() {
    let dir = std::env::temp_dir().join(format!("raft-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.json");
    std::fs::write(
        &path,
        r#"{"version":3,"seed":1,"nodes":3,"duration_us":1,"actions":[]}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_raft-sim"))
        .args(["run", "--scenario", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("version 3 is not supported"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}
