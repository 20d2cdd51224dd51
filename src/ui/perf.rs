//! Per-frame work times (simulation advance plus render), kept in a ring so
//! the measurement script can read them from the page.

use std::cell::RefCell;
use wasm_bindgen::prelude::wasm_bindgen;

const KEEP: usize = 2048;

thread_local! {
    /// How often each part was drawn, by `PartKind as usize`.
    static RENDERS: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    static TIMES: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
    static FRAMES: RefCell<u64> = const { RefCell::new(0) };
}

pub fn record(ms: f64) {
    TIMES.with(|t| {
        let mut t = t.borrow_mut();
        if t.len() == KEEP {
            t.remove(0);
        }
        t.push(ms);
    });
    FRAMES.with(|f| *f.borrow_mut() += 1);
}

/// The last frame times in milliseconds, oldest first (for scripts:
/// `window.wasmBindings.frame_times()`).
#[wasm_bindgen]
pub fn frame_times() -> Vec<f64> {
    TIMES.with(|t| t.borrow().clone())
}

/// How many frames ran since the page loaded: stays still while paused.
#[wasm_bindgen]
pub fn frame_count() -> f64 {
    FRAMES.with(|f| *f.borrow() as f64)
}

/// The wasm linear memory in bytes: the whole Rust heap, snapshots
/// included (for the measurement script's memory figure).
#[wasm_bindgen]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}

/// Counts one drawing of the part numbered `part`.
pub fn rendered(part: usize) {
    RENDERS.with(|r| {
        let mut r = r.borrow_mut();
        if r.len() <= part {
            r.resize(part + 1, 0);
        }
        r[part] += 1;
    });
}

/// How often the part named `name` (`"Cluster"`, `"LogTable"`, ... as in
/// `PartKind`) was drawn since the page loaded: the measurement script and
/// the browser tests check that a frame redraws only what moved.
#[wasm_bindgen]
pub fn part_renders(name: &str) -> f64 {
    let Some(part) = super::part::PartKind::named(name) else {
        return -1.0;
    };
    RENDERS.with(|r| r.borrow().get(part as usize).copied().unwrap_or(0) as f64)
}

pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
