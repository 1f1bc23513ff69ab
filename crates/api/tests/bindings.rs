//! The TypeScript declarations the UI imports must equal what the Rust transport types generate.
//! Regenerate with `UPDATE_BINDINGS=1 cargo test -p aar-api --test bindings`.

use std::path::PathBuf;

#[test]
fn checked_in_typescript_bindings_match_the_transport_types() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings.ts");
    let fresh = aar_api::typescript_bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == fresh,
        "ui/src/lib/bindings.ts is stale; run `UPDATE_BINDINGS=1 cargo test -p aar-api --test bindings`"
    );
}
