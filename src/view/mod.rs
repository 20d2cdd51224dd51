//! What the playground draws, computed from the simulator's state: geometry,
//! colours, message positions, the speed scale, key bindings and the client
//! command language. Plain Rust with no web dependency, so all of it is tested
//! natively; `src/ui` only turns it into SVG and HTML with Yew.

pub mod action_words;
pub mod availability_chart;
pub mod chart;
pub mod comparison;
pub mod details;
pub mod disk_state;
pub mod drift_bound;
pub mod embed;
pub mod event_log;
pub mod experiment_figure;
pub mod experiment_table;
pub mod experiments;
pub mod geometry;
pub mod host_api;
pub mod host_wire;
pub mod keys;
pub mod leadership;
pub mod lease_breaks;
pub mod log_table;
pub mod markup;
pub mod membership;
pub mod message_history;
pub mod motion;
pub mod network_edits;
pub mod on_screen;
pub mod op_text;
pub mod packet_text;
pub mod palette;
pub mod permalink;
pub mod playground;
pub mod requests;
pub mod scenario_json;
pub mod scene;
pub mod sequence;
pub mod session;
pub mod snapshot_threshold;
pub mod snapshots;
pub mod speed;
pub mod studio_wire;
pub mod timeline_marks;
pub mod tour_player;
pub mod tours;
pub mod url_params;
pub mod versions;
pub mod what_if;
pub mod words;
pub mod worker_jobs;
pub mod worker_protocol;
