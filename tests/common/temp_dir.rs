//! A folder of its own for a test's files, removed when the test ends
//! (passed or failed).

use std::path::PathBuf;

pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh folder named after the process and `test`, so tests run
    /// at once and left-overs of an earlier run do not meet.
    pub fn new(test: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("raft-playground-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }

    /// The path of the file `name` in it (which need not exist).
    pub fn file(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
