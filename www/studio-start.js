// Loads the page's second wasm module, the studio (src/bin/studio.rs: the
// Experiments view and the other parts the page fetches only when a person
// opens them), on the page's own thread. The page's wasm adds this script
// (src/ui/studio_client.rs). studio.js is wasm-bindgen's no-modules glue,
// a classic script that defines the global `wasm_bindgen`; its wasm then
// starts and tells the page through window.__raftMain.studioReady().
(() => {
  const failed = (why) => window.__raftMain && window.__raftMain.studioFailed(why);
  const start = () => {
    wasm_bindgen({ module_or_path: './studio_bg.wasm' }).catch((e) => failed(String(e && e.message || e)));
  };
  // A second try, after the wasm failed to load: the glue is there, and
  // adding it again would declare `wasm_bindgen` twice (a page error).
  if (typeof wasm_bindgen === 'function') {
    start();
    return;
  }
  const glue = document.createElement('script');
  glue.src = './studio.js';
  glue.onload = start;
  glue.onerror = () => failed('studio.js could not be fetched');
  document.head.append(glue);
})();
