//! The page's side of the Web Worker (`src/bin/worker.rs`, built by Trunk
//! as `worker_loader.js` + `worker.js` + `worker_bg.wasm`): start one with
//! a [`WorkerJob`], hear its [`WorkerReply`]s, terminate it. A worker is
//! made per job, so its wasm is fetched only when a job starts, and
//! cancelling is terminating it: nothing of the job is left behind.

use crate::view::worker_protocol::{WorkerJob, WorkerReply, READY};
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

/// Trunk's loader for the worker (index.html, `data-loader-shim`), beside
/// the page.
const WORKER_URL: &str = "./worker_loader.js";

/// A running worker and its listeners. Dropping it terminates the worker.
pub struct WorkerHandle {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl WorkerHandle {
    /// Starts a worker for `job`; every reply goes to `on_reply`. A reply
    /// the page cannot read, or a worker that fails to load or dies, is
    /// told as a `Failed` reply.
    pub fn start(job: WorkerJob, on_reply: Callback<WorkerReply>) -> Result<WorkerHandle, String> {
        let job = to_js(&job)?;
        let worker = web_sys::Worker::new(WORKER_URL)
            .map_err(|e| format!("the worker could not start: {}", describe(&e)))?;
        let posting = worker.clone();
        let reply = on_reply.clone();
        let on_message = Closure::<dyn FnMut(_)>::new(move |e: web_sys::MessageEvent| {
            let data = e.data();
            if data.as_string().as_deref() == Some(READY) {
                if let Err(e) = posting.post_message(&job) {
                    let message = format!("the job could not be sent: {}", describe(&e));
                    reply.emit(WorkerReply::Failed { message });
                }
                return;
            }
            reply.emit(from_js(data));
        });
        let on_error = Closure::<dyn FnMut(_)>::new(move |e: web_sys::Event| {
            let detail = e
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "it failed to load or stopped".into());
            let message = format!("the worker failed: {detail}");
            on_reply.emit(WorkerReply::Failed { message });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerHandle {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Stops the job: the worker is terminated at once, whatever it is doing.
    pub fn cancel(self) {}
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// A message as a JS value; numbers beyond 2^53 (a seed can be) as BigInts,
/// which the other side reads back exactly.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, String> {
    let serializer =
        serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true);
    value
        .serialize(&serializer)
        .map_err(|e| format!("cannot encode the message: {e}"))
}

/// A reply read from the worker; what cannot be read is a `Failed` reply.
fn from_js(value: JsValue) -> WorkerReply {
    serde_wasm_bindgen::from_value(value).unwrap_or_else(|e| WorkerReply::Failed {
        message: format!("the worker sent a reply the page cannot read: {e}"),
    })
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
