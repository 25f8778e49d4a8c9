//! What the property tests ("fuzz" modules next to the parsers they test) share. Every function
//! that parses outside input has one: hook arguments and input (`hooks`, `hooks::push_rules`,
//! `hooks::prepare_commit_msg`, `hooks::landing`), merge messages (`policy::message`), remote
//! URLs (`forge`), `.githotfix.toml` (`config`), branch descriptions (`policy::naming`) and
//! GitHub Actions event payloads (`ci::github`).
//!
//! `cargo test` runs a few hundred cases of each, in seconds. For a long run, raise the count
//! and pick a module; each run draws new cases, so repeat it for as long as there is time. A
//! failure prints the input shrunk to a minimal one, which then becomes a plain regression
//! `#[test]`:
//!
//! ```sh
//! PROPTEST_CASES=100000 cargo test --release --bin git-hotfix host::url::fuzz -- --test-threads=1
//! ```

use proptest::prelude::*;

/// `default_cases` cases, or `PROPTEST_CASES` when set; the rejects a generator may make grow
/// with the cases. Failures are not persisted to files: each one found becomes a regression
/// test instead.
pub fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok());
    let cases = cases.unwrap_or(default_cases);
    let default = ProptestConfig::default();
    ProptestConfig {
        cases,
        max_local_rejects: default.max_local_rejects.max(cases.saturating_mul(2)),
        max_global_rejects: default.max_global_rejects.max(cases / 4),
        failure_persistence: None,
        ..default
    }
}

/// Any text, weighted towards what breaks parsers: separators, line endings, control
/// characters, NUL, quotes, multi-byte characters, and now and then a very long run.
pub fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => any::<char>().prop_map(String::from),
        4 => prop::sample::select(vec![
            " ", "\n", "\r\n", "\r", "\t", "\0", "\x7f", "'", "\"", "/", ":", "@", ".", "-", "#",
            "//", "..", "@{", "é", "\u{feff}", "\u{202e}", "𝄞",
        ])
        .prop_map(str::to_owned),
        4 => "[a-z0-9]{1,8}",
        1 => (any::<char>(), 1000..5000usize).prop_map(|(c, n)| c.to_string().repeat(n)),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// Any bytes, valid UTF-8 or not.
pub fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        text().prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..256),
        (text(), prop::collection::vec(128..=255u8, 1..4), text()).prop_map(|(a, b, c)| [
            a.into_bytes(),
            b,
            c.into_bytes()
        ]
        .concat()),
    ]
}
