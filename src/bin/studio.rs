//! The page's second wasm module, loaded on demand on the page's own thread
//! (index.html: Trunk's `data-type="worker"` build, which is
//! wasm-bindgen's no-modules glue; `www/studio-start.js` loads it). It
//! holds the parts of the page a person opens rather than sees at once,
//! so the page's first download does not carry them (README, "Bundle").
//! Natively there is nothing to show.

fn main() {
    #[cfg(target_arch = "wasm32")]
    raft_playground::ui::studio::start();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the studio runs in a browser, loaded by the playground page");
}
