//! All integration tests in one binary (one link instead of one per file).

mod abnf_conformance;
#[cfg(feature = "cli")] // runs the binary
mod cli_check;
#[cfg(feature = "cli")]
mod data_stream;
mod derive;
#[cfg(feature = "cli")]
mod edges;
#[cfg(all(feature = "server", feature = "client"))]
mod emulator;
mod error_snapshots;
mod fuzz_regressions;
mod grammar;
mod limits;
mod limits_exceeded;
#[cfg(feature = "cli")] // runs the binary too
mod query_execute;
#[cfg(feature = "cli")]
mod query_no_panic;
mod roundtrip;
mod sql_differential;
mod validate_cases;
mod validate_roundtrip;
mod validate_snapshots;

/// A folder of its own under the system's temp dir, removed when the guard drops (also when the
/// test fails), so test runs leave nothing behind.
#[allow(dead_code)] // used only by the cli-feature tests
pub(crate) struct ScratchDir(std::path::PathBuf);

#[allow(dead_code)]
impl ScratchDir {
    /// `<temp>/odata-filter-<tag>-<pid>-<n>`: unique per call, so tests running at once never share
    /// (or remove) each other's folder.
    pub(crate) fn new(tag: &str) -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("odata-filter-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch folder");
        ScratchDir(dir)
    }

    /// The folder.
    pub(crate) fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// A path inside the folder.
    pub(crate) fn join(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The configuration of every proptest here: `cases` cases, and the cases that failed before read
/// from (and new failures written to) `<test file>.proptest-regressions` next to the test's source,
/// as the crate's own unit tests do. (proptest's default would look for them under
/// `tests/proptest-regressions/`, away from the test.)
#[allow(dead_code)] // some proptests are behind the cli feature
pub(crate) fn proptest_config(cases: u32) -> proptest::prelude::ProptestConfig {
    proptest::prelude::ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..proptest::prelude::ProptestConfig::default()
    }
}
