//! What runs are written as: the trace (and its stable hash), scenarios
//! (JSON, with actions spelt as records), links (postcard, and the old
//! hand-made format still read), and numbers as the page writes them.

pub mod action_record;
pub mod decimal;
pub mod legacy_link;
pub mod link;
pub mod scenario;
pub mod stable_hash;
pub mod trace;
