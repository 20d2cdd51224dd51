//! requestAnimationFrame, one frame at a time: the app asks for the next
//! frame only while something moves, so a paused page does no work at all.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

pub struct FrameLoop {
    callback: Closure<dyn FnMut(f64)>,
    pending: Option<i32>,
}

impl FrameLoop {
    /// `on_frame` receives the frame's timestamp in milliseconds.
    pub fn new(on_frame: impl FnMut(f64) + 'static) -> Self {
        FrameLoop {
            callback: Closure::new(on_frame),
            pending: None,
        }
    }

    /// Asks for one more frame unless one is already requested.
    pub fn request(&mut self) {
        if self.pending.is_some() {
            return;
        }
        // No window, no frames (a page always has one).
        let Some(window) = web_sys::window() else {
            return;
        };
        self.pending = window
            .request_animation_frame(self.callback.as_ref().unchecked_ref())
            .ok();
    }

    /// The requested frame has arrived.
    pub fn arrived(&mut self) {
        self.pending = None;
    }

    pub fn cancel(&mut self) {
        if let (Some(id), Some(window)) = (self.pending.take(), web_sys::window()) {
            let _ = window.cancel_animation_frame(id);
        }
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        self.cancel();
    }
}
