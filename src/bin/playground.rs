//! The browser playground's entry point, built by Trunk for wasm32.
//! Natively there is nothing to show: use `raft-sim`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    raft_playground::ui::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the playground runs in a browser: `trunk serve`, or use raft-sim natively");
}
